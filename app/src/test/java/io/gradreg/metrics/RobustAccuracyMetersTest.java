package io.gradreg.metrics;

import static io.gradreg.metrics.JobProgressMetersTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gradreg.store.RunStatus;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RobustAccuracyMetersTest {

    @Test
    void everyAccuracyMeasureOfAnEvaluatedRunIsAGaugeWithMeasureAndEpsilonLabels() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RobustAccuracyMeters meters = new RobustAccuracyMeters(new JobLabels("c6", 3, "c6"), registry);
        var records = List.of(run("a", RunStatus.EVALUATED, 10, 10, 0.9125), run("b", RunStatus.TRAINED, 10, 10, null));
        var a = records.get(0).runKey();
        var b = records.get(1).runKey();
        Map<String, Map<String, Double>> measures = Map.of(a, Map.of("fgsm@0.1", 0.5, "pgd@0.1", 0.25, "gradnorm", 3.0,
                "robustness-seconds", 12.0), b, Map.of("fgsm@0.1", 0.7));
        meters.update(records, measures);
        meters.update(records, measures); // a second refresh registers nothing new
        assertEquals(2, registry.find("gradreg.robust.accuracy").gauges().size(), "accuracies only, evaluated runs only");
        assertEquals(0.25, registry.find("gradreg.robust.accuracy").tag("measure", "pgd").tag("epsilon", "0.1").gauge()
                .value());
        String text = registry.scrape();
        assertTrue(text.contains("gradreg_robust_accuracy_ratio{"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("gradreg_robust_accuracy_ratio{") && l.contains(
                "epsilon=\"0.1\"") && l.contains("measure=\"fgsm\"") && l.endsWith(" 0.5")), text);
    }
}
