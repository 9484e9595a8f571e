// Loads an ontology with the OWL API (the library Protege is built on), resolving owl:imports
// through an OASIS XML catalog, and reports what Protege users would see as problems:
// unresolved imports, unparsed triples, OWL 2 DL profile violations (undeclared entities and
// illegal punning included) and entities without an rdfs:label.
// Output: one line per finding, "KIND<TAB>detail"; last line "SUMMARY<TAB>...".
// Exit code: 0 no finding, 1 findings, 2 the ontology could not be loaded.
import java.io.File;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.OWLParserException;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.util.SimpleIRIMapper;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class OwlApiCheck {
    public static void main(String[] args) throws Exception {
        File ontologyFile = new File(args[0]);
        File catalog = new File(ontologyFile.getAbsoluteFile().getParentFile(), "catalog-v001.xml");
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.setOntologyLoaderConfiguration(manager.getOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION));
        if (catalog.isFile()) {
            NodeList uris = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(catalog).getElementsByTagName("uri");
            for (int i = 0; i < uris.getLength(); i++) {
                Element e = (Element) uris.item(i);
                File local = new File(catalog.getParentFile(), e.getAttribute("uri"));
                manager.getIRIMappers().add(
                    new SimpleIRIMapper(IRI.create(e.getAttribute("name")), IRI.create(local)));
            }
        }
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(ontologyFile);
        } catch (OWLOntologyCreationException | OWLParserException e) {
            System.out.println("LOAD_ERROR\t" + e.getMessage().replace('\n', ' '));
            System.exit(2);
            return;
        }
        int findings = 0;
        Set<String> lines = new TreeSet<>();
        for (OWLOntology o : ontology.getImportsClosure()) {
            OWLDocumentFormat format = o.getFormat();
            if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
                Object meta = format.getOntologyLoaderMetaData().get();
                if (meta instanceof RDFParserMetaData) {
                    ((RDFParserMetaData) meta).getUnparsedTriples()
                        .forEach(t -> lines.add("UNPARSED\t" + t.toString()));
                }
            }
        }
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation v : report.getViolations()) {
            lines.add("DL_VIOLATION\t" + v.getClass().getSimpleName() + ": " + v.toString().replace('\n', ' '));
        }
        Set<OWLEntity> signature = new TreeSet<>(ontology.getSignature(Imports.INCLUDED));
        // OWL 2 DL forbids one IRI as two kinds of property; report it explicitly.
        java.util.Map<IRI, Set<String>> propertyKinds = new java.util.TreeMap<>();
        for (OWLEntity entity : signature) {
            if (entity.isOWLObjectProperty() || entity.isOWLDataProperty() || entity.isOWLAnnotationProperty()) {
                propertyKinds.computeIfAbsent(entity.getIRI(), k -> new TreeSet<>())
                    .add(entity.getEntityType().getName());
            }
            if (entity.getIRI().toString().startsWith("http://org.semanticweb.owlapi/error#")) {
                lines.add("UNPARSED\tconstruct the parser could not read (placeholder " + entity.getIRI() + ")");
            }
        }
        propertyKinds.forEach((iri, kinds) -> {
            if (kinds.size() > 1) {
                lines.add("DL_VIOLATION\tIllegalPunning: <" + iri + "> is used as " + String.join(" and ", kinds));
            }
        });
        OWLAnnotationProperty label = manager.getOWLDataFactory().getRDFSLabel();
        for (OWLEntity entity : signature) {
            String iriText = entity.getIRI().toString();
            if (entity.isBuiltIn() || iriText.startsWith("http://www.w3.org/")
                    || iriText.startsWith("http://org.semanticweb.owlapi/error#")) {
                continue;
            }
            boolean labelled = false;
            for (OWLOntology o : ontology.getImportsClosure()) {
                if (o.annotationAssertionAxioms(entity.getIRI())
                        .anyMatch(a -> a.getProperty().equals(label))) {
                    labelled = true;
                    break;
                }
            }
            if (!labelled && !isMetadataVocabulary(entity)) {
                lines.add("NO_LABEL\t" + entity.getIRI());
            }
        }
        for (String line : lines) {
            System.out.println(line);
        }
        findings = lines.size();
        System.out.println("SUMMARY\tontologies=" + ontology.getImportsClosure().size()
            + "\taxioms=" + ontology.getAxiomCount(Imports.INCLUDED)
            + "\tfindings=" + findings);
        System.exit(findings == 0 ? 0 : 1);
    }

    // Annotation properties of metadata vocabularies (Dublin Core, VANN) are not ontology terms.
    private static boolean isMetadataVocabulary(OWLEntity entity) {
        String iri = entity.getIRI().toString();
        return entity.isOWLAnnotationProperty()
            && (iri.startsWith("http://purl.org/dc/") || iri.startsWith("http://purl.org/vocab/vann/"));
    }
}
