package io.gradreg.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gradreg's Prometheus rules (deploy/prometheus/gradreg-rules.yml) checked and unit-tested with
 * promtool (Debian's prometheus package; .ci/run installs it): every rule passes its tests in
 * gradreg-rules.test.yml, and every rule is really tested there, since a copy with any one rule
 * broken fails them. The Operator's PrometheusRule holds the same groups, and both Prometheus
 * configurations load the file. Without promtool the test is skipped, except under CI=true, where
 * it fails.
 */
class PrometheusRulesTest {

    static final Path DIR = Path.of("deploy/prometheus");
    static final Path RULES = DIR.resolve("gradreg-rules.yml");
    /** The unit tests: minutes at a 1 m evaluation interval, days at 30 m (promtool evaluates every rule at every step). */
    static final List<Path> TESTS = List.of(DIR.resolve("gradreg-rules.test.yml"), DIR.resolve("gradreg-rules-daily.test.yml"));
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Path promtool;

    record Result(int exit, String out) {
    }

    @BeforeAll
    static void findPromtool() {
        Optional<Path> found = Optional.ofNullable(System.getenv("GRADREG_TEST_PROMTOOL")).map(Path::of)
                .filter(Files::isExecutable).or(() -> Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                        .map(d -> Path.of(d, "promtool")).filter(Files::isExecutable).findFirst());
        if (found.isEmpty()) {
            String message = "promtool is not installed (Debian: apt-get install prometheus)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI=true but " + message);
            }
            Assumptions.abort(message + "; under CI=true this test fails instead");
        }
        promtool = found.get();
    }

    @Test
    void everyRuleIsValidAndPassesItsUnitTests() throws Exception {
        Result check = promtool("check", "rules", RULES.toString());
        assertEquals(0, check.exit(), check.out());
        Result test = promtool(Stream.concat(Stream.of("test", "rules"), TESTS.stream().map(Path::toString))
                .toArray(String[]::new));
        assertEquals(0, test.exit(), test.out());
        assertEquals(TESTS.size(), test.out().split("SUCCESS", -1).length - 1, test.out());
    }

    @Test
    void aCopyWithAnyOneRuleBrokenFailsTheTests(@TempDir Path tmp) throws Exception {
        JsonNode rules = YAML.readTree(RULES.toFile());
        List<String> names = new ArrayList<>();
        rules.get("groups").forEach(g -> g.get("rules").forEach(r -> names.add(name(r))));
        assertTrue(names.size() >= 20, names.toString());
        for (int g = 0; g < rules.get("groups").size(); g++) {
            for (int r = 0; r < rules.get("groups").get(g).get("rules").size(); r++) {
                JsonNode copy = rules.deepCopy();
                ObjectNode rule = (ObjectNode) copy.get("groups").get(g).get("rules").get(r);
                String broken = rule.has("alert")
                        ? "(" + rule.get("expr").asText() + ") unless on() vector(1)" // never fires
                        : "2 * (" + rule.get("expr").asText() + ")"; // a wrong number
                rule.put("expr", broken);
                Path dir = Files.createDirectories(tmp.resolve(g + "-" + r));
                YAML.writeValue(dir.resolve("gradreg-rules.yml").toFile(), copy);
                List<String> args = new ArrayList<>(List.of("test", "rules"));
                for (Path test : TESTS) {
                    args.add(Files.copy(test, dir.resolve(test.getFileName())).toString());
                }
                Result result = promtool(args.toArray(String[]::new));
                assertNotEquals(0, result.exit(), name(rule) + " broken, yet the tests pass: it is not tested");
                assertTrue(result.out().contains("FAILED"), result.out());
            }
        }
    }

    @Test
    void everyAlertHasASeverityASummaryAndADescription() throws IOException {
        for (JsonNode group : YAML.readTree(RULES.toFile()).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                if (rule.has("alert")) {
                    String name = rule.get("alert").asText();
                    assertTrue(name.startsWith("Gradreg"), name);
                    assertTrue(List.of("critical", "warning", "info").contains(rule.at("/labels/severity").asText()), name);
                    assertFalse(rule.at("/annotations/summary").asText().isBlank(), name);
                    assertFalse(rule.at("/annotations/description").asText().isBlank(), name);
                    String tests = Files.readString(TESTS.get(0)) + Files.readString(TESTS.get(1));
                    assertTrue(tests.contains("alertname: " + name), name + " has no test");
                }
            }
        }
    }

    @Test
    void theOperatorsRuleAndBothPrometheusConfigurationsUseTheseRules() throws IOException {
        JsonNode operator = YAML.readTree(ManifestsTest.MONITORING.resolve("prometheusrule.yaml").toFile());
        assertEquals("PrometheusRule", operator.get("kind").asText());
        assertEquals(YAML.readTree(RULES.toFile()).get("groups"), operator.at("/spec/groups"),
                "deploy/k8s/monitoring/prometheusrule.yaml must hold the groups of " + RULES);
        for (Path config : List.of(Path.of("deploy/prometheus.yml"), Path.of("deploy/prometheus-kubernetes.yml"))) {
            JsonNode files = YAML.readTree(config.toFile()).get("rule_files");
            assertEquals(RULES.normalize(), config.getParent().resolve(files.get(0).asText()).normalize(), config.toString());
        }
    }

    static String name(JsonNode rule) {
        return rule.has("alert") ? "alert " + rule.get("alert").asText() : "record " + rule.get("record").asText();
    }

    static Result promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "promtool took over 2 minutes");
        return new Result(p.exitValue(), out);
    }
}
