package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gradreg.batch.JobFiles;
import io.gradreg.batch.PluginJarBuilder;
import io.gradreg.regularizer.Regularizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regularizer parameters set by a job ({@code param.NAME.KEY}), on a plugin that takes one. */
class ExperimentSpecParametersTest {

    @TempDir
    static Path plugins;

    private static Regularizers regularizers;

    @BeforeAll
    static void buildPlugin() throws IOException {
        new PluginJarBuilder().source("test.scaled.Scaled", """
                package test.scaled;

                import io.gradreg.spi.*;
                import java.util.List;

                @SpiVersion(SpiVersion.CURRENT)
                public final class Scaled implements RegularizerProvider {
                    public String name() {
                        return "scaled";
                    }

                    public String description() {
                        return "the loss times a factor";
                    }

                    public List<ParameterSpec> parameters() {
                        return List.of(new ParameterSpec("factor", "a positive number", "1"));
                    }

                    public Regularizer create(RegularizerParameters parameters) {
                        double factor = parameters.getDouble("factor");
                        if (!(factor > 0)) {
                            throw new RegularizerException("parameter 'factor' of regularizer 'scaled' must be "
                                    + "positive, was '" + parameters.get("factor") + "'");
                        }
                        return context -> Scalars.mul(context.loss(), factor);
                    }
                }
                """).provider("test.scaled.Scaled").build(Files.createDirectories(plugins).resolve("scaled.jar"));
        regularizers = Regularizers.load(plugins);
    }

    private static ExperimentSpec parse(String... params) {
        Properties p = new Properties();
        p.setProperty("regularizers", "none scaled");
        p.setProperty("weight.scaled", "0.1");
        p.setProperty("runs", "2");
        for (int i = 0; i < params.length; i += 2) {
            p.setProperty(params[i], params[i + 1]);
        }
        return ExperimentSpec.parse(new JobFiles(Path.of("jobs")).load("quickstart").properties(), p, regularizers);
    }

    private static String error(String... params) {
        return assertThrows(IllegalArgumentException.class, () -> parse(params)).getMessage();
    }

    @Test
    void parametersReachEveryRunOfTheirRegularizer() {
        ExperimentSpec spec = parse("param.scaled.factor", "2.5");
        assertEquals(Map.of("factor", "2.5"), spec.run("baseline/scaled/50/class#1").config().regularizerParameters());
        assertEquals(Map.of(), spec.run("baseline/none/50/class#1").config().regularizerParameters());
        assertEquals(Map.of(), parse().run("baseline/scaled/50/class#0").config().regularizerParameters(),
                "none given: the plugin's defaults apply when the run starts");
    }

    @Test
    void badParametersStopTheJobBeforeItStartsAndNameTheProperty() {
        assertEquals("job property 'param.scaled.factr': regularizer 'scaled' has no parameter 'factr'; did you mean "
                + "'factor'? (its parameters: factor)", error("param.scaled.factr", "2"));
        assertEquals("job property 'param.scaled.size': regularizer 'scaled' has no parameter 'size' (its parameters: "
                + "factor)", error("param.scaled.size", "2"));
        assertEquals("job property 'param.none.factor': regularizer 'none' has no parameter 'factor'; it takes no "
                + "parameters", error("param.none.factor", "2"));
        assertEquals("job property 'param.scaeld.factor' sets a parameter of regularizer 'scaeld', which this job does "
                + "not train; did you mean 'param.scaled.factor'? (regularizers: none scaled)",
                error("param.scaeld.factor", "2"));
        assertEquals("job properties 'param.scaled.*': parameter 'factor' of regularizer 'scaled' must be positive, "
                + "was '-1'", error("param.scaled.factor", "-1"));
        assertEquals("job properties 'param.scaled.*': parameter 'factor' of regularizer 'scaled' must be a number, "
                + "was 'two'", error("param.scaled.factor", "two"));
        assertEquals("job property 'param.spectreg.projections' sets a parameter of regularizer 'spectreg', which this "
                + "job does not train (regularizers: none scaled)", error("param.spectreg.projections", "2"));
        assertEquals("job property 'param.scaled': name a regularizer's parameter as 'param.REGULARIZER.PARAMETER', "
                + "e.g. 'param.gradl1.smoothing'", error("param.scaled", "2"));
    }
}
