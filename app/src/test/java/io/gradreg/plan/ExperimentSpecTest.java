package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gradreg.batch.JobFiles;
import io.gradreg.model.Architecture;
import io.gradreg.model.BatchNormSettings;
import io.gradreg.model.Initialization;
import io.gradreg.regularizer.Regularizers;
import io.gradreg.regularizer.WeightConvention;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ExperimentSpecTest {

    static ExperimentSpec parse(String job, String... params) {
        JobFiles.LoadedJob loaded = new JobFiles(Path.of("jobs")).load(job);
        Properties p = new Properties();
        for (int i = 0; i < params.length; i += 2) {
            p.setProperty(params[i], params[i + 1]);
        }
        return ExperimentSpec.parse(loaded.properties(), p, Regularizers.builtIn());
    }

    @Test
    void c2PlansNinetyRunsWithPerArchitectureWeights() {
        ExperimentSpec spec = parse("c2-dropout-batchnorm");
        assertEquals(90, spec.runs().size());
        // the job writes the report's weights verbatim, in the paper's convention
        assertEquals(WeightConvention.PAPER, spec.weightConvention());
        assertEquals(50, spec.run("baseline/doubleback/200/class#0").jobWeight());
        assertEquals(1, spec.run("baseline/doubleback/200/class#0").config().weight(), 1e-15);
        assertEquals(0.001 / 50, spec.run("batchnorm/doubleback/200/class#0").config().weight(), 1e-18);
        assertEquals(0.001, spec.run("batchnorm/spectreg/200/class#3").config().weight());
        assertEquals(0.01, spec.run("dropout/spectreg/200/class#9").config().weight());
        assertEquals(0, spec.run("dropout/none/200/class#9").config().weight());
        // run i of every cell has seed 1 + i: a paired comparison on the same subsets
        assertEquals(8, spec.run("batchnorm/none/200/class#7").config().seed());
        assertEquals(10_000, spec.run("batchnorm/none/200/class#7").config().minibatches());
    }

    @Test
    void c4UsesTableEightsWeightForEachSize() {
        ExperimentSpec spec = parse("c4-train-size");
        assertEquals(9 * 5 * 10, spec.runs().size());
        assertEquals(20, spec.run("dropout/doubleback/3000#0").jobWeight());
        assertEquals(20.0 / 50, spec.run("dropout/doubleback/3000#0").config().weight(), 1e-15);
        assertEquals(0.003, spec.run("dropout/spectreg/5000#0").config().weight());
        assertEquals(0.3, spec.run("dropout/jacreg/20000#0").config().weight());
        assertEquals(0.1, spec.run("dropout/cp/10000#0").config().weight());
    }

    @Test
    void parametersOverrideJobProperties() {
        ExperimentSpec spec = parse("c6-jacobian-norms", "runs", "2", "minibatches", "100", "weight.jacreg", "0.5",
                "partitions", "3");
        assertEquals(6, spec.runs().size());
        assertEquals(100, spec.run("dropout/frobreg/200/class#1").config().minibatches());
        assertEquals(0.5, spec.run("dropout/jacreg/200/class#1").config().weight());
        assertEquals(3, spec.partitions());
        assertEquals(java.util.List.of(), spec.warnings());
    }

    @Test
    void robustnessIsParsedIntoTheCanonicalFormAndMistakesNameTheProperty() {
        assertEquals(null, parse("c6-jacobian-norms").settings().robustness());
        assertEquals("none", parse("c6-jacobian-norms").settings().robustnessSpec().text());
        assertEquals("fgsm:0.05,0.1 pgd:0.1 noise:0.3 gradnorm", parse("c6-jacobian-norms", "robustness",
                "gradnorm fgsm:0.1,0.05 pgd:0.1 noise:0.3").settings().robustness());
        assertEquals(null, parse("c6-jacobian-norms", "robustness", "none").settings().robustness());
        assertEquals("job property 'robustness': 'fgsm' value 25 is outside [0, 1] (pixels are scaled to [0, 1], so a "
                + "radius of 8/255 is 0.0314)", assertThrows(IllegalArgumentException.class,
                        () -> parse("c6-jacobian-norms", "robustness", "fgsm:25")).getMessage());
        assertEquals("unknown job property 'robustnes'; did you mean 'robustness'? (the properties: docs/jobs.md, "
                + "\"Job properties\")", assertThrows(IllegalArgumentException.class,
                        () -> parse("c6-jacobian-norms", "robustnes", "gradnorm")).getMessage());
    }

    @Test
    void curveEveryDefaultsToAHundredAndIsBoundedByThePointsARunMayRecord() {
        assertEquals(100, parse("c6-jacobian-norms").settings().curveEvery());
        assertEquals(25, parse("c6-jacobian-norms", "curve-every", "25").settings().curveEvery());
        assertEquals("job property 'curve-every' must be a positive integer, was '0'", assertThrows(
                IllegalArgumentException.class, () -> parse("c6-jacobian-norms", "curve-every", "0")).getMessage());
        assertEquals("job property 'curve-every' is 1: runs of 20000 minibatches would record 20000 curve points each, "
                + "more than 10000; set it to at least 2", assertThrows(IllegalArgumentException.class,
                        () -> parse("c6-jacobian-norms", "curve-every", "1", "minibatches", "20000")).getMessage());
        assertEquals("unknown job property 'curve-evry'; did you mean 'curve-every'? (the properties: docs/jobs.md, "
                + "\"Job properties\")", assertThrows(IllegalArgumentException.class,
                        () -> parse("c6-jacobian-norms", "curve-evry", "10")).getMessage());
    }

    @Test
    void aWeightThatNoRunReadsIsRefusedWithTheClosestKey() {
        assertEquals("job property 'weight.spectrg' is the weight of no run of this job; did you mean "
                + "'weight.spectreg'? (regularizers: spectreg jacreg frobreg; architectures: dropout)",
                assertThrows(IllegalArgumentException.class,
                        () -> parse("c6-jacobian-norms", "weight.spectrg", "0.1")).getMessage());
        assertEquals("job property 'weight.baseline.spectreg' is the weight of no run of this job (regularizers: "
                + "spectreg jacreg frobreg; architectures: dropout)",
                assertThrows(IllegalArgumentException.class,
                        () -> parse("c6-jacobian-norms", "weight.baseline.spectreg", "0.1")).getMessage());
        assertEquals(0.1, parse("c6-jacobian-norms", "weight.dropout.spectreg", "0.1")
                .run("dropout/spectreg/200/class#0").config().weight(), 1e-12);
    }

    @Test
    void theC4AndC6JobsTrainTheReportsDropoutNetwork() {
        assertEquals(java.util.Set.of(Architecture.DROPOUT), parse("c4-train-size").runs().stream()
                .map(r -> r.config().architecture()).collect(java.util.stream.Collectors.toSet()));
        assertEquals(java.util.Set.of(Architecture.DROPOUT), parse("c6-jacobian-norms").runs().stream()
                .map(r -> r.config().architecture()).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void weightsInTheMeanConventionAreUsedAsWritten() {
        ExperimentSpec spec = parse("c2-dropout-batchnorm", "weight-convention", "mean");
        assertEquals(WeightConvention.MEAN, spec.weightConvention());
        assertEquals(50, spec.run("baseline/doubleback/200/class#0").config().weight());
        assertEquals(0.01, spec.run("baseline/spectreg/200/class#0").config().weight());
    }

    @Test
    void batchNormSettingsAreJobPropertiesDefaultingToTheNetworkThatTrainedC2() {
        assertEquals(BatchNormSettings.DEFAULT, parse("c2-dropout-batchnorm").runs().get(0).config().batchNorm());
        ExperimentSpec tf = parse("c2-dropout-batchnorm", "bn-momentum", "0.99", "bn-epsilon", "1e-3",
                "bn-placement", "after-relu", "bn-layers", "conv");
        assertEquals(new BatchNormSettings(0.99, 1e-3, BatchNormSettings.Placement.AFTER_RELU,
                BatchNormSettings.Layers.CONV), tf.run("batchnorm/none/200/class#3").config().batchNorm());
        assertEquals(java.util.List.of(), tf.warnings());
        assertEquals(java.util.List.of("job properties bn-momentum, bn-epsilon, bn-placement, bn-layers change only the "
                + "batchnorm architecture, which this job does not train"),
                parse("c6-jacobian-norms", "bn-layers", "conv").warnings());
        java.util.Map<String, String> errors = new java.util.LinkedHashMap<>();
        errors.put("bn-momentum=1", "job property 'bn-momentum': batch-norm momentum must be in [0, 1), was 1.0");
        errors.put("bn-momentum=-0.1", "job property 'bn-momentum': batch-norm momentum must be in [0, 1), was -0.1");
        errors.put("bn-momentum=high", "job property 'bn-momentum': batch-norm momentum must be a number, was 'high'");
        errors.put("bn-epsilon=0", "job property 'bn-epsilon': batch-norm epsilon must be a positive number, was 0.0");
        errors.put("bn-epsilon=NaN", "job property 'bn-epsilon': batch-norm epsilon must be a positive number, was NaN");
        errors.put("bn-placement=inside", "job property 'bn-placement': unknown batch-norm placement 'inside'; "
                + "expected one of before-relu, after-relu");
        errors.put("bn-layers=dense", "job property 'bn-layers': unknown batch-norm layers 'dense'; "
                + "expected one of all, conv");
        errors.forEach((property, message) -> {
            String[] kv = property.split("=");
            assertEquals(message, assertThrows(IllegalArgumentException.class,
                    () -> parse("c2-dropout-batchnorm", kv[0], kv[1])).getMessage(), property);
        });
    }

    @Test
    void theBatchNormAblationIsC2sBatchNormRowAtFiveSeedsWithTheSettingsItsParametersSay() {
        ExperimentSpec reference = parse("ablation-batchnorm");
        ExperimentSpec c2 = parse("c2-dropout-batchnorm");
        assertEquals(10, reference.runs().size());
        for (RunSpec run : reference.runs()) {
            assertEquals(c2.run(run.key()).config(), run.config(), run.key()); // C2's runs 0-4, to the configuration
            assertEquals(c2.run(run.key()).jobWeight(), run.jobWeight(), run.key());
        }
        BatchNormSettings tf = parse("ablation-batchnorm", "bn-momentum", "0.99", "bn-epsilon", "1e-3").runs().get(0)
                .config().batchNorm();
        assertEquals(BatchNormSettings.DEFAULT.withMomentum(0.99).withEpsilon(1e-3), tf);
    }

    @Test
    void protocolOptionsForTheAblationsDefaultToTheClassicNetwork() {
        var classic = parse("c6-jacobian-norms").runs().get(0).config();
        assertEquals(Initialization.GLOROT_UNIFORM, classic.initialization());
        assertEquals(false, classic.conv2Same());
        assertEquals(1e-8, classic.epsilon());
        var tf = parse("c6-jacobian-norms", "init", "truncated-normal", "conv2-padding", "same", "adam-epsilon", "1e-7")
                .runs().get(0).config();
        assertEquals(Initialization.TRUNCATED_NORMAL, tf.initialization());
        assertEquals(true, tf.conv2Same());
        assertEquals(1e-7, tf.epsilon());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("c6-jacobian-norms", "conv2-padding", "full"));
        assertEquals("job property 'conv2-padding': unknown padding 'full'; expected valid or same", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("c6-jacobian-norms", "init", "he"));
        assertEquals("job property 'init': unknown initialization 'he'; expected one of glorot-uniform, truncated-normal",
                e.getMessage());
    }

    @Test
    void anUnknownWeightConventionIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("c6-jacobian-norms", "weight-convention", "per-batch"));
        assertEquals("job property 'weight-convention': unknown weight convention 'per-batch'; use one of mean, paper",
                e.getMessage());
    }

    @Test
    void threadsIsADeprecatedAliasOfPartitions() {
        // a parameter under the old name still overrides the job file's 'partitions'
        ExperimentSpec old = parse("c6-jacobian-norms", "threads", "3");
        assertEquals(3, old.partitions());
        assertEquals(java.util.List.of("job property 'threads' is deprecated; call it 'partitions' (runs trained in "
                + "parallel)"), old.warnings());
        assertEquals(4, parse("c6-jacobian-norms", "threads", "3", "partitions", "4").partitions());
        Properties job = new Properties();
        job.setProperty("threads", "4");
        ExperimentSpec alone = ExperimentSpec.parse(job, new Properties(), Regularizers.builtIn());
        assertEquals(4, alone.partitions());
        assertEquals(1, alone.warnings().size());
    }

    @Test
    void aSizeWithoutWeightIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("c4-train-size", "train-sizes", "750"));
        assertEquals("job property 'weight.doubleback' gives no weight for training-set size 750", e.getMessage());
    }
}
