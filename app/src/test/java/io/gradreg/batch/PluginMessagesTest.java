package io.gradreg.batch;

import static io.gradreg.batch.PluginJarBuilder.providerSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.gradreg.TestData;
import io.gradreg.plan.ExperimentSpec;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.spi.RegularizerException;
import io.gradreg.spi.Scalars;
import io.gradreg.spi.testkit.PenaltyCheck;
import io.gradreg.spi.testkit.ProviderCheck;
import io.gradreg.training.Penalty;
import io.gradreg.training.TorchEngine;
import io.gradreg.training.TrainingConfig;
import io.gradreg.training.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every message a plugin author can meet, produced here by the real code (the loader, job
 * parameters, a training run, the test kit), is shown in docs/plugins.md, and every message the
 * page shows in its message blocks is one of them. Decimal numbers (losses, penalties) are
 * compared as "a number"; the plugin directory is written {@code <dir>}.
 */
class PluginMessagesTest {

    private static final Path DOC = Path.of("docs/plugins.md");
    private static final String OK = "@SpiVersion(SpiVersion.CURRENT)";
    private static final String ZERO = "Scalars.mul(context.loss(), 0)";

    @TempDir
    Path dir;

    @Test
    void everyMessageAnAuthorCanMeetIsInTheDocsAsTheCodeWritesIt() throws Exception {
        List<String> messages = new ArrayList<>();
        messages.addAll(loadingMessages());
        messages.addAll(parameterAndTrainingMessages());
        messages.addAll(kitMessages());

        Set<String> documented = documentedMessages();
        List<String> missing = messages.stream().map(PluginMessagesTest::masked)
                .filter(m -> !documented.contains(m)).toList();
        assertTrue(missing.isEmpty(), "docs/plugins.md lacks these messages (decimals shown as #):\n"
                + String.join("\n", missing));
        Set<String> produced = new LinkedHashSet<>(messages.stream().map(PluginMessagesTest::masked).toList());
        List<String> stale = documented.stream().filter(m -> !produced.contains(m)).toList();
        assertTrue(stale.isEmpty(), "docs/plugins.md shows messages gradreg does not write:\n" + String.join("\n", stale));
    }

    // ---- what the loader says (gradreg prints "gradreg: " before it and exits 2) ----

    private List<String> loadingMessages() throws Exception {
        List<String> out = new ArrayList<>();
        out.add(refused(new PluginJarBuilder().source("org.example.Lonely",
                providerSource("org.example", "Lonely", "lonely", OK, "", ZERO)), "lonely.jar"));
        out.add(refused(jar("Unversioned", "unversioned", "", "", ZERO), "unversioned.jar"));
        out.add(refused(jar("Future", "future", "@SpiVersion(\"2.0\")", "", ZERO), "future.jar"));
        out.add(refused(jar("Spaced", "My Reg", OK, "", ZERO), "spaced.jar"));
        out.add(refused(jar("Exploding", "exploding", OK, "throw new IllegalStateException(\"no licence key\");", ZERO),
                "exploding.jar"));
        out.add(refused(jar("Shadow", "spectreg", OK, "", ZERO), "shadow.jar"));
        out.add(refused(new PluginJarBuilder().source("org.example.Other",
                "package org.example; final class Other { }").provider("org.example.Missing"), "missing.jar"));
        Path plugins = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(plugins.resolve("broken.jar"), "not a zip file");
        out.add(loadError(plugins));
        Path open = Files.createDirectories(dir.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        out.add(loadError(open));
        return out;
    }

    private static PluginJarBuilder jar(String cls, String name, String annotation, String constructor, String penalty) {
        return new PluginJarBuilder().source("org.example." + cls,
                providerSource("org.example", cls, name, annotation, constructor, penalty)).provider("org.example." + cls);
    }

    /** The message loading a plugin directory that holds only {@code jar} fails with. */
    private String refused(PluginJarBuilder jar, String fileName) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve(fileName.replace(".jar", "")));
        jar.build(plugins.resolve(fileName));
        return loadError(plugins);
    }

    private static String loadError(Path plugins) {
        String message = assertThrows(RegularizerException.class, () -> Regularizers.load(plugins)).getMessage();
        return message.replace(plugins.toString(), "<dir>");
    }

    // ---- job parameters and training runs ----

    private List<String> parameterAndTrainingMessages() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJarBuilder().source("org.example.Smooth", """
                package org.example;

                import io.gradreg.spi.*;
                import java.util.List;

                @SpiVersion(SpiVersion.CURRENT)
                public final class Smooth implements RegularizerProvider {
                    public String name() {
                        return "smooth";
                    }

                    public String description() {
                        return "a parameter";
                    }

                    public List<ParameterSpec> parameters() {
                        return List.of(new ParameterSpec("smoothing", "s", "0"));
                    }

                    public Regularizer create(RegularizerParameters parameters) {
                        double s = parameters.getDouble("smoothing");
                        if (!(s >= 0)) {
                            throw new RegularizerException("parameter 'smoothing' of regularizer 'smooth' must be zero "
                                    + "or a positive number, was '" + parameters.get("smoothing") + "'");
                        }
                        return context -> Scalars.mul(context.loss(), s);
                    }
                }
                """).provider("org.example.Smooth").build(plugins.resolve("smooth.jar"));
        PluginJarBuilder.lazy("org.example").build(plugins.resolve("lazy.jar"));
        jar("Boom", "boom", OK, "", "Fail.now()").source("org.example.Fail", """
                package org.example;

                final class Fail {
                    static ai.djl.ndarray.NDArray now() {
                        throw new IllegalStateException("penalty exploded");
                    }
                }
                """).build(plugins.resolve("boom.jar"));
        jar("Nan", "nan", OK, "", "context.loss().mul(Float.NaN)").build(plugins.resolve("nan.jar"));
        jar("Vector", "vector", OK, "", "context.logits().logSoftmax(1).sum(new int[] {1})").build(
                plugins.resolve("vector.jar"));
        Regularizers regularizers = Regularizers.load(plugins);

        List<String> out = new ArrayList<>();
        for (String value : List.of("-1", "abc")) {
            out.add(jobError(regularizers, "param.smooth.smoothing", value));
        }
        out.add(jobError(regularizers, "param.smooth.smooth", "1"));
        out.add(assertThrows(RegularizerException.class, () -> regularizers.create("lazy", Map.of())).getMessage());
        TorchEngine.start(1);
        for (String name : List.of("boom", "nan", "vector")) {
            TrainingConfig config = TrainingConfig.builder().regularizer(name).weight(1).minibatches(2).seed(1).build();
            try (NDManager manager = NDManager.newBaseManager();
                    TrainingRun run = new TrainingRun(config, TestData.mnist(),
                            new Penalty(regularizers.label(name), regularizers.create(name, Map.of())), manager)) {
                out.add(assertThrows(RuntimeException.class, run::step).getMessage());
            }
        }
        return out;
    }

    private static String jobError(Regularizers regularizers, String key, String value) {
        Properties job = new Properties();
        job.setProperty("regularizers", "smooth");
        job.setProperty(key, value);
        return assertThrows(IllegalArgumentException.class,
                () -> ExperimentSpec.parse(job, new Properties(), regularizers)).getMessage();
    }

    // ---- what the test kit says ----

    private static List<String> kitMessages() {
        List<String> out = new ArrayList<>();
        out.add(failure(() -> ProviderCheck.assertRegistered(org.example.NoVersion.class)));
        out.add(failure(() -> ProviderCheck.assertRegistered(org.example.NotListed.class)));
        out.add(failure(() -> PenaltyCheck.of("nan", c -> c.loss().mul(Float.NaN)).assertFiniteScalar()));
        out.add(failure(() -> PenaltyCheck.of("vector", c -> c.logits().logSoftmax(1).sum(new int[] {1}))
                .assertFiniteScalar()));
        PenaltyCheck unscaled = PenaltyCheck.of("unscaled", c -> c.inputGradient(c.loss()).square().sum());
        out.add(failure(() -> unscaled.assertMatchesPerExampleDefinition(e -> squaredNorm(e.lossGradient()))));
        out.add(failure(unscaled::assertPerExampleMean));
        out.add(failure(() -> PenaltyCheck.of("detached", c -> Scalars.mul(c.manager().create(
                c.inputGradient(c.loss()).toDoubleArray()).square().sum(), c.batchSize())).assertParameterGradients()));
        out.add(failure(() -> PenaltyCheck.of("unsafe", c -> c.inputGradient(c.loss()).square().sum()
                .mul(c.batchSize())).assertStableUnderGarbageCollection()));
        return out;
    }

    private static String failure(Executable check) {
        return assertThrows(AssertionError.class, check).getMessage();
    }

    private static double squaredNorm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return s;
    }

    // ---- the page ----

    /** The lines of the fenced blocks that follow a line "<!-- messages -->" in docs/plugins.md. */
    private static Set<String> documentedMessages() throws IOException {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile("<!-- messages -->\\s*\n```text\n(.*?)\n```", Pattern.DOTALL)
                .matcher(Files.readString(DOC));
        while (m.find()) {
            for (String line : m.group(1).split("\n")) {
                if (!line.isBlank()) {
                    out.add(masked(line.startsWith("gradreg: ") ? line.substring("gradreg: ".length()) : line));
                }
            }
        }
        assertTrue(out.size() > 10, "docs/plugins.md has no message blocks");
        return out;
    }

    private static String masked(String message) {
        return message.replaceAll("-?\\d+\\.\\d+(E-?\\d+)?", "#").replaceAll("\\[\\d+\\]", "[#]");
    }

    @Test
    void maskingKeepsIntegersAndHidesDecimals() {
        assertEquals("loss #, shape (50), minibatch 3, #, [#]", masked("loss 2.30, shape (50), minibatch 3, -1.5E-7, [17]"));
    }
}
