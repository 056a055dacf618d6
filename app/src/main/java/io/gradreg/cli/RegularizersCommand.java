package io.gradreg.cli;

import io.gradreg.batch.Workspace;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.spi.ParameterSpec;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "regularizers", mixinStandardHelpOptions = true,
        description = {"List every regularizer: name, origin (built-in, or the plugin jar's file name), description,",
            "and its parameters with their defaults. Plugin jars are read from gradreg.plugins-dir",
            "(GRADREG_PLUGINS_DIR, default <work dir>/plugins). A regularizer whose weights in the paper's",
            "convention (weight-convention=paper) differ from gradreg's per-example mean says by how much."})
class RegularizersCommand implements Callable<Integer> {

    /** The paper's batch size, for the example conversion. */
    private static final int PAPER_BATCH = 50;

    @Inject
    Workspace workspace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Regularizers.Entry> entries = workspace.regularizers().all();
        int nameWidth = Math.max("NAME".length(), entries.stream().mapToInt(e -> e.provider().name().length()).max().orElse(0));
        int originWidth = Math.max("ORIGIN".length(), entries.stream().mapToInt(e -> e.origin().length()).max().orElse(0));
        String row = "%-" + nameWidth + "s  %-" + originWidth + "s  %s%n";
        out.printf(row, "NAME", "ORIGIN", "DESCRIPTION");
        for (Regularizers.Entry entry : entries) {
            out.printf(row, entry.provider().name(), entry.origin(), entry.provider().description());
            double scale = entry.provider().paperPenaltyScale(PAPER_BATCH);
            double scaleOfTwo = entry.provider().paperPenaltyScale(2 * PAPER_BATCH);
            if (scale != 1 || scaleOfTwo != 1) {
                out.printf(Locale.ROOT, "%" + (nameWidth + originWidth + 4) + "s  paper convention: weight x %s "
                        + "(at batch size %d: the paper's %s is %s here)%n", "",
                        scaleOfTwo == scale / 2 ? "1/B" : Double.toString(scale), PAPER_BATCH, 50, 50 * scale);
            }
            for (ParameterSpec p : entry.provider().parameters()) {
                out.printf("%" + (nameWidth + originWidth + 4) + "s  parameter %s=%s: %s%n", "", p.name(),
                        p.defaultValue(), p.description());
            }
        }
        out.flush();
        return 0;
    }
}
