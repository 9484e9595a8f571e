// Validate data files against one shapes file with Apache Jena SHACL, in one JVM.
// Usage: java JenaShacl SHAPES ONTOLOGY|- DATA...
// Each data file is validated together with the ontology (as one union graph, so targets see
// the class hierarchy). For each, prints "#REPORT <path>" and the report as N-Triples.
// Or: java JenaShacl --pairs SHAPES DATA [SHAPES DATA ...]: each data file against its own
// shapes; a pair Jena refuses prints "#ERROR <path> <message>" instead of a report.
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
        if (args.length > 0 && args[0].equals("--pairs")) {
            for (int i = 1; i + 1 < args.length; i += 2) {
                try {
                    Shapes pairShapes = Shapes.parse(RDFDataMgr.loadGraph(args[i]));
                    Graph pairData = RDFDataMgr.loadGraph(args[i + 1]);
                    ValidationReport report = ShaclValidator.get().validate(pairShapes, pairData);
                    System.out.println("#REPORT " + args[i + 1]);
                    RDFDataMgr.write(System.out, report.getModel(), Lang.NTRIPLES);
                } catch (Exception e) {
                    String message = String.valueOf(e.getMessage()).replace('\n', ' ');
                    System.out.println("#ERROR " + args[i + 1] + " " + message);
                }
            }
            System.out.flush();
            return;
        }
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
