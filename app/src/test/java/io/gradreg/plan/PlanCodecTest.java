package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.model.BatchNormSettings;
import io.gradreg.store.StoreException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stored plan is the parsed plan, to the bit: what trains is what was planned. */
class PlanCodecTest {

    @Test
    void everyShippedJobsPlanReadsBackEqualToTheBit() {
        for (String job : List.of("quickstart", "c2-dropout-batchnorm", "c4-train-size", "c6-jacobian-norms")) {
            ExperimentSpec spec = ExperimentSpecTest.parse(job);
            for (RunSpec run : spec.runs()) {
                RunSpec back = PlanCodec.readRun("p", PlanCodec.write(run));
                assertEquals(run, back, job + " " + run.key()); // records: equal doubles are equal bits
                assertEquals(Double.doubleToRawLongBits(run.config().weight()),
                        Double.doubleToRawLongBits(back.config().weight()));
            }
            assertEquals(spec.settings(), PlanCodec.readSettings("p", PlanCodec.write(spec.settings())), job);
        }
    }

    @Test
    void weightsThatAreNotShortDecimalsSurvive() {
        // the paper convention divides DoubleBack's weight by the batch size: 0.001 / 50 and the like
        ExperimentSpec spec = ExperimentSpecTest.parse("c2-dropout-batchnorm");
        RunSpec run = spec.run("batchnorm/doubleback/200/class#0");
        assertEquals(0.001 / 50, PlanCodec.readRun("p", PlanCodec.write(run)).config().weight(), 0.0);
    }

    @Test
    void theIdDependsOnEveryRunAndNotOnMapOrder() {
        ExperimentSpec a = ExperimentSpecTest.parse("quickstart");
        ExperimentSpec b = ExperimentSpecTest.parse("quickstart", "seed", "2");
        String settings = PlanCodec.write(a.settings());
        List<String> runsA = a.runs().stream().map(PlanCodec::write).toList();
        List<String> runsB = b.runs().stream().map(PlanCodec::write).toList();
        assertEquals(PlanCodec.id(settings, runsA), PlanCodec.id(settings, List.copyOf(runsA)));
        assertNotEquals(PlanCodec.id(settings, runsA), PlanCodec.id(settings, runsB));
        assertEquals(PlanCodec.write(a.settings()), PlanCodec.write(ExperimentSpecTest.parse("quickstart").settings()));
    }

    @Test
    void plansOfTheShippedJobsKeepTheIdsTheyHadBeforeBatchNormSettingsExisted() {
        // ids computed by the build before BatchNormSettings (eff1473): default settings add nothing to a plan
        assertEquals("640f918f133507e0a7892ac463adee9a7875ad551fe09dbd720ace4625550c3e", planId(ExperimentSpecTest.parse("c2-dropout-batchnorm")));
        assertEquals("4627ca66f4760682fca0e925d4d7319beeee45ab2ad38bdeeb143874edab9aee", planId(ExperimentSpecTest.parse("c6-jacobian-norms")));
    }

    @Test
    void batchNormSettingsAreStoredReadBackAndMakeAnotherPlan() {
        ExperimentSpec tf = ExperimentSpecTest.parse("c2-dropout-batchnorm", "bn-momentum", "0.99", "bn-epsilon", "1e-3",
                "bn-placement", "after-relu", "bn-layers", "conv");
        RunSpec run = tf.run("batchnorm/spectreg/200/class#0");
        String text = PlanCodec.write(run);
        assertTrue(text.contains("\"batchNorm\":{\"momentum\":0.99,\"epsilon\":0.001,\"placement\":\"after-relu\","
                + "\"layers\":\"conv\"}"), text);
        assertEquals(new BatchNormSettings(0.99, 1e-3, BatchNormSettings.Placement.AFTER_RELU,
                BatchNormSettings.Layers.CONV), PlanCodec.readRun("p", text).config().batchNorm());
        ExperimentSpec momentumOnly = ExperimentSpecTest.parse("c2-dropout-batchnorm", "bn-momentum", "0.99");
        assertNotEquals(planId(ExperimentSpecTest.parse("c2-dropout-batchnorm")), planId(momentumOnly));
        assertNotEquals(planId(tf), planId(momentumOnly));
        assertFalse(PlanCodec.write(ExperimentSpecTest.parse("c2-dropout-batchnorm").runs().get(0)).contains("batchNorm"));
    }

    private static String planId(ExperimentSpec spec) {
        return PlanCodec.encode(spec).id();
    }

    @Test
    void robustnessIsStoredWithThePlanAndAbsentWhenNone() {
        ExperimentSpec plain = ExperimentSpecTest.parse("c6-jacobian-norms");
        ExperimentSpec robust = ExperimentSpecTest.parse("c6-jacobian-norms", "robustness", "fgsm:0.1 gradnorm");
        assertFalse(PlanCodec.write(plain.settings()).contains("robustness"), "older plans keep their text and id");
        String text = PlanCodec.write(robust.settings());
        assertTrue(text.contains("\"robustness\":\"fgsm:0.1 gradnorm\""), text);
        assertEquals(robust.settings(), PlanCodec.readSettings("p", text));
        assertEquals(io.gradreg.robustness.RobustnessSpec.parse("fgsm:0.1 gradnorm"),
                PlanCodec.readSettings("p", text).robustnessSpec());
        assertNotEquals(planId(plain), planId(robust));
    }

    @Test
    void settingsStoredBeforeCurvesExistedReadWithTheDefaultInterval() {
        String old = "{\"experiment\":\"c6\",\"description\":\"\",\"partitions\":2,\"checkpointEvery\":500,"
                + "\"weightConvention\":\"paper\",\"expected\":null,\"observed\":null,\"claims\":null,"
                + "\"regularizerParameters\":{}}";
        PlanSettings settings = PlanCodec.readSettings("p", old);
        assertEquals(100, settings.curveEvery());
        assertEquals(500, settings.checkpointEvery());
    }

    @Test
    void aPlanThisBuildCannotReadIsNamedWithTheFix() {
        String message = assertThrows(StoreException.class,
                () -> PlanCodec.readRun("abc", "{\"key\":\"x\",\"unknownField\":1}")).getMessage();
        assertTrue(message.startsWith("plan abc in the database cannot be read by this gradreg"), message);
        assertTrue(message.endsWith("continue the job with the gradreg build that started it"), message);
    }
}
