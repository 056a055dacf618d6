package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.batch.JobFiles;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.store.Database;
import io.gradreg.store.ResultsStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What a train partition pays before it trains, for a C4-sized plan (450 runs), measured both ways
 * in one process:
 *
 * <ul>
 *   <li><b>parse</b> (gradreg before plans were stored): every partition parsed the job's
 *       properties into the whole grid, re-creating the regularizers, then scanned it for its run;
 *   <li><b>store</b> (now): the partition reads its own run's configuration, one row, from the
 *       stored plan and decodes it (the first read in a process; later ones hit the process's
 *       copy of the plan).
 * </ul>
 *
 * A benchmark, not a test: it runs only when asked, {@code mvn -o test -pl app
 * -Dtest=PlanCostBenchmark -Dgradreg.benchmark=true}, prints the medians, and fails only if
 * reading the stored run is not cheaper than parsing.
 */
@EnabledIfSystemProperty(named = "gradreg.benchmark", matches = "true")
class PlanCostBenchmark {

    @Test
    void perPartitionStartUpForTheC4Plan() {
        JobFiles.LoadedJob job = new JobFiles(Path.of("jobs")).load("c4-train-size");
        Properties parameters = new Properties();
        Regularizers regularizers = Regularizers.builtIn();
        ExperimentSpec spec = ExperimentSpec.parse(job.properties(), parameters, regularizers);
        String last = spec.runs().get(spec.runs().size() - 1).key();

        ResultsStore store = new ResultsStore(new Database("jdbc:h2:mem:plancost;DB_CLOSE_DELAY=-1", "", ""));
        store.ensureSchema();
        PlanCodec.Encoded plan = PlanCodec.encode(spec);
        String planId = plan.id();
        store.plans().save(planId, spec.experiment(), plan.settings(), plan.runs());

        double parse = median(() -> ExperimentSpec.parse(job.properties(), parameters, regularizers).run(last));
        double read = median(() -> {
            PlanCodec.readSettings(planId, store.plans().settings(planId).orElseThrow());
            return PlanCodec.readRun(planId, store.plans().run(planId, last).orElseThrow().config());
        });
        System.out.printf(Locale.ROOT, "C4 plan, %d runs: per-partition start-up, median of 200 after 100 warm-up%n"
                + "  parse job properties + find run : %8.3f ms%n"
                + "  read run + settings from store  : %8.3f ms%n"
                + "  ratio store/parse               : %8.3f%n", spec.runs().size(), parse, read, read / parse);
        assertTrue(read < parse, "reading one stored run should cost less than parsing the whole plan");
    }

    private static double median(java.util.function.Supplier<?> work) {
        for (int i = 0; i < 100; i++) {
            work.get();
        }
        double[] ms = new double[200];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }
}
