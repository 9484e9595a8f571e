// Validate data files against one shapes file with Apache Jena SHACL, in one JVM.
// Usage: java JenaShacl SHAPES ONTOLOGY|- DATA...
// Each data file is validated together with the ontology (as one union graph, so targets see
// the class hierarchy). For each, prints "#REPORT <path>" and the report as N-Triples.
import org.apache.jena.graph.Graph;
import org.apache.jena.graph.compose.Union;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.sys.JenaSystem;

public class JenaShacl {
    public static void main(String[] args) {
        JenaSystem.init();
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[0]));
        Graph ontology = args[1].equals("-") ? null : RDFDataMgr.loadGraph(args[1]);
        for (int i = 2; i < args.length; i++) {
            Graph data = RDFDataMgr.loadGraph(args[i]);
            Graph graph = ontology == null ? data : new Union(data, ontology);
            ValidationReport report = ShaclValidator.get().validate(shapes, graph);
            System.out.println("#REPORT " + args[i]);
            RDFDataMgr.write(System.out, report.getModel(), Lang.NTRIPLES);
        }
        System.out.flush();
    }
}
