"""The release stage: versioned artefacts, VoID/DCAT, the release diff, w3id rules, the HTML
documentation and the charts."""
