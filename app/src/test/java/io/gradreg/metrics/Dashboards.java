package io.gradreg.metrics;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Grafana dashboards of {@code grafana/dashboards} as tests read them: every PromQL expression
 * of every panel and variable, with Grafana's variables substituted. Tests take the expressions
 * from the JSON itself so that the dashboards and the tests cannot drift apart.
 */
public final class Dashboards {

    public static final Path DIRECTORY = Path.of("grafana/dashboards");

    /** Grafana's built-in variables, with the values the tests give them. */
    public static final Map<String, String> BUILT_INS = Map.of("__rate_interval", "5m", "__interval", "15s",
            "__range", "5m");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]|\\$(\\w+)");
    private static final Pattern LABEL_VALUES = Pattern.compile("^label_values\\((.+),\\s*(\\w+)\\)$");

    private Dashboards() {
    }

    /** A panel's query. */
    public record Query(String dashboard, int panelId, String panel, String refId, String expr) {
        @Override
        public String toString() {
            return dashboard + " panel " + panelId + " '" + panel + "' query " + refId + ": " + expr;
        }
    }

    public static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIRECTORY)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    public static JsonObject read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader json = Json.createReader(r)) {
            return json.readObject();
        }
    }

    /** Every panel, those inside rows included. */
    public static List<JsonObject> panels(JsonObject dashboard) {
        List<JsonObject> all = new ArrayList<>();
        collect(dashboard.getJsonArray("panels"), all);
        return all;
    }

    private static void collect(List<JsonValue> panels, List<JsonObject> into) {
        if (panels == null) {
            return;
        }
        for (JsonValue v : panels) {
            JsonObject p = v.asJsonObject();
            into.add(p);
            collect(p.getJsonArray("panels"), into);
        }
    }

    /** The PromQL of every panel target, unsubstituted. */
    public static List<Query> queries(Path file) throws IOException {
        JsonObject dashboard = read(file);
        List<Query> queries = new ArrayList<>();
        for (JsonObject p : panels(dashboard)) {
            if (!p.containsKey("targets")) {
                continue;
            }
            for (JsonValue t : p.getJsonArray("targets")) {
                JsonObject target = t.asJsonObject();
                queries.add(new Query(file.getFileName().toString(), p.getInt("id"), p.getString("title", ""),
                        target.getString("refId", ""), target.getString("expr", "")));
            }
        }
        return queries;
    }

    public static List<JsonObject> variables(JsonObject dashboard) {
        JsonObject templating = dashboard.getJsonObject("templating");
        return templating == null ? List.of()
                : templating.getJsonArray("list").stream().map(JsonValue::asJsonObject).toList();
    }

    /** The query of a variable of type query, as text. */
    public static String variableQuery(JsonObject variable) {
        JsonValue q = variable.get("query");
        return q.getValueType() == JsonValue.ValueType.OBJECT ? q.asJsonObject().getString("query")
                : ((jakarta.json.JsonString) q).getString();
    }

    /**
     * PromQL for a variable query: {@code label_values(selector, label)} becomes
     * {@code group by (label) (selector)}, whose series carry the values Grafana offers.
     */
    public static String variablePromQL(String query) {
        Matcher m = LABEL_VALUES.matcher(query.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported variable query (use label_values(selector, label)): " + query);
        }
        return "group by (" + m.group(2) + ") (" + m.group(1) + ")";
    }

    /** The names of the variables an expression uses. */
    public static List<String> variablesIn(String expr) {
        List<String> names = new ArrayList<>();
        Matcher m = VARIABLE.matcher(expr);
        while (m.find()) {
            names.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return names;
    }

    /** {@code expr} with every variable replaced; an unknown variable is an error. */
    public static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = values.containsKey(name) ? values.get(name) : BUILT_INS.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for $" + name + " in: " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
