package io.gradreg.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The dashboards are Grafana JSON that a provisioned Grafana loads as it is. */
class DashboardsTest {

    /** Grafana 10.2+ writes 39; older servers migrate lower versions, newer ones read it. */
    private static final int MIN_SCHEMA_VERSION = 36;

    @Test
    void everyDashboardHasASchemaVersionAUidAndUniquePanelIds() throws Exception {
        List<Path> files = Dashboards.files();
        assertFalse(files.isEmpty(), "no dashboards in " + Dashboards.DIRECTORY);
        Set<String> uids = new HashSet<>();
        for (Path f : files) {
            JsonObject d = Dashboards.read(f);
            assertTrue(d.getInt("schemaVersion") >= MIN_SCHEMA_VERSION, f + ": schemaVersion " + d.get("schemaVersion"));
            assertTrue(uids.add(d.getString("uid")), f + ": duplicate uid " + d.getString("uid"));
            assertFalse(d.getString("title").isBlank(), f + ": title");
            assertFalse(d.containsKey("id") && d.get("id").getValueType() != JsonValue.ValueType.NULL,
                    f + ": provisioned dashboards must not carry a database id");
            Set<Integer> ids = new HashSet<>();
            for (JsonObject p : Dashboards.panels(d)) {
                assertTrue(ids.add(p.getInt("id")), f + ": panel id " + p.getInt("id") + " used twice");
                JsonObject pos = p.getJsonObject("gridPos");
                assertTrue(pos.getInt("w") > 0 && pos.getInt("x") + pos.getInt("w") <= 24,
                        f + ": panel " + p.getInt("id") + " gridPos " + pos);
            }
        }
    }

    @Test
    void everyQueryUsesTheDataSourceVariable() throws Exception {
        for (Path f : Dashboards.files()) {
            JsonObject d = Dashboards.read(f);
            Set<String> dataSourceVariables = Dashboards.variables(d).stream()
                    .filter(v -> v.getString("type").equals("datasource") && v.getString("query").equals("prometheus"))
                    .map(v -> v.getString("name")).collect(Collectors.toSet());
            assertFalse(dataSourceVariables.isEmpty(), f + ": no data source variable of type prometheus");
            for (JsonObject p : Dashboards.panels(d)) {
                if (p.getString("type").equals("row")) {
                    continue;
                }
                assertDataSourceByVariable(f + " panel " + p.getInt("id"), p.getJsonObject("datasource"),
                        dataSourceVariables);
                List<JsonObject> targets = p.getJsonArray("targets").stream().map(JsonValue::asJsonObject).toList();
                assertFalse(targets.isEmpty(), f + " panel " + p.getInt("id") + " has no query");
                Set<String> refIds = new HashSet<>();
                for (JsonObject t : targets) {
                    assertTrue(refIds.add(t.getString("refId")), f + " panel " + p.getInt("id") + ": refId twice");
                    assertDataSourceByVariable(f + " panel " + p.getInt("id"), t.getJsonObject("datasource"),
                            dataSourceVariables);
                }
            }
            for (JsonObject v : Dashboards.variables(d)) {
                if (v.getString("type").equals("query")) {
                    assertDataSourceByVariable(f + " variable " + v.getString("name"), v.getJsonObject("datasource"),
                            dataSourceVariables);
                }
            }
        }
    }

    private static void assertDataSourceByVariable(String where, JsonObject ds, Set<String> variables) {
        assertEquals("prometheus", ds.getString("type"), where);
        String uid = ds.getString("uid");
        assertTrue(variables.stream().anyMatch(v -> uid.equals("${" + v + "}")),
                where + ": data source " + uid + " is not one of the variables " + variables);
    }

    @Test
    void variablesSelectANamespaceAndAnExperimentAndEveryQueryShowsAllOfItsShards() throws Exception {
        String rules = Files.readString(Path.of("deploy/prometheus/gradreg-rules.yml"));
        for (Path f : Dashboards.files()) {
            JsonObject d = Dashboards.read(f);
            Map<String, JsonObject> byName = Dashboards.variables(d).stream()
                    .collect(Collectors.toMap(v -> v.getString("name"), v -> v));
            JsonObject namespace = byName.get("namespace");
            assertEquals("label_values(gradreg_job_runs, namespace)", Dashboards.variableQuery(namespace));
            // All matches series without a namespace too (machines): the regex .*, not Grafana's value list
            assertTrue(namespace.getBoolean("includeAll"));
            assertEquals(".*", namespace.getString("allValue"));
            assertTrue(Dashboards.variableQuery(byName.get("experiment")).endsWith(", experiment)"));
            assertFalse(byName.containsKey("execution"), "a whole experiment at once, not one shard's execution");
            for (Dashboards.Query q : Dashboards.queries(f)) {
                assertTrue(q.expr().contains("namespace=~\"$namespace\"") && q.expr().contains("experiment=\"$experiment\""),
                        q + ": does not select the namespace and the experiment");
                assertFalse(q.expr().contains("execution="), q + ": one execution is one shard's process");
                // PromQL's stddev divides by n; the report's sample sd by n - 1 (the recording rule)
                assertFalse(q.expr().matches("(?s).*(?<![:\\w])stddev\\s*(by\\b|\\().*"), q + ": population standard deviation");
                java.util.regex.Matcher recorded = java.util.regex.Pattern.compile("gradreg_\\w+:\\w+:\\w+")
                        .matcher(q.expr());
                while (recorded.find()) {
                    assertTrue(rules.contains("- record: " + recorded.group() + "\n"), q + ": no recording rule "
                            + recorded.group() + " in deploy/prometheus/gradreg-rules.yml");
                }
            }
        }
    }

    @Test
    void everyVariableAnExpressionUsesIsDefinedEarlier() throws Exception {
        for (Path f : Dashboards.files()) {
            JsonObject d = Dashboards.read(f);
            Map<String, String> defined = new java.util.LinkedHashMap<>();
            for (JsonObject v : Dashboards.variables(d)) {
                if (v.getString("type").equals("query")) {
                    String query = Dashboards.variableQuery(v);
                    Dashboards.substitute(query, defined); // throws on a variable not defined before
                    Dashboards.variablePromQL(query);
                }
                defined.put(v.getString("name"), "x");
            }
            for (Dashboards.Query q : Dashboards.queries(f)) {
                assertFalse(q.expr().isBlank(), q.toString());
                assertFalse(Dashboards.substitute(q.expr(), defined).contains("$"), q.toString());
            }
        }
    }

    @Test
    void substitutionReplacesEveryVariableSyntax() {
        String expr = "rate(x{a=\"$a\", b=\"${b}\", c=\"[[c]]\"}[$__rate_interval])";
        assertEquals(List.of("a", "b", "c", "__rate_interval"), Dashboards.variablesIn(expr));
        assertEquals("rate(x{a=\"1\", b=\"2\", c=\"3\"}[5m])",
                Dashboards.substitute(expr, Map.of("a", "1", "b", "2", "c", "3")));
        assertEquals("group by (execution) (gradreg_job_runs{job_name=\"q\"})",
                Dashboards.variablePromQL("label_values(gradreg_job_runs{job_name=\"q\"}, execution)"));
    }

    @Test
    void provisioningPointsGrafanaAtPrometheusAndTheDashboards() throws Exception {
        String datasources = Files.readString(Path.of("grafana/provisioning/datasources/prometheus.yaml"));
        assertTrue(datasources.contains("apiVersion: 1") && datasources.contains("type: prometheus"), datasources);
        String providers = Files.readString(Path.of("grafana/provisioning/dashboards/gradreg.yaml"));
        assertTrue(providers.contains("apiVersion: 1") && providers.contains("type: file"), providers);
        String path = providers.lines().map(String::strip).filter(l -> l.startsWith("path: ")).findFirst()
                .orElseThrow().substring("path: ".length());
        String page = Files.readString(Path.of("docs/operations.md"));
        assertTrue(page.contains(path), "docs/operations.md must say where to mount grafana/dashboards: " + path);
        assertTrue(page.contains(Files.readString(Path.of("deploy/prometheus.yml"))),
                "docs/operations.md must show deploy/prometheus.yml as it is");
    }
}
