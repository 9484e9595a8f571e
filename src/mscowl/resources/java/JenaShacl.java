// Validate several data files against one shapes file with Apache Jena SHACL, in one JVM.
// Usage: java JenaShacl SHAPES DATA...
// For each data file, prints "#REPORT <path>" and then the sh:ValidationReport as N-Triples.
import org.apache.jena.graph.Graph;
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
        for (int i = 1; i < args.length; i++) {
            Graph data = RDFDataMgr.loadGraph(args[i]);
            ValidationReport report = ShaclValidator.get().validate(shapes, data);
            System.out.println("#REPORT " + args[i]);
            RDFDataMgr.write(System.out, report.getModel(), Lang.NTRIPLES);
        }
        System.out.flush();
    }
}
