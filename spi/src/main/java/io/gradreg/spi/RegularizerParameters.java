package io.gradreg.spi;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Validated parameter values of one regularizer, with defaults filled in. */
public final class RegularizerParameters {

    private final String regularizer;
    private final Map<String, String> values;

    private RegularizerParameters(String regularizer, Map<String, String> values) {
        this.regularizer = regularizer;
        this.values = Collections.unmodifiableMap(values);
    }

    /** Checks {@code given} against the provider's {@link ParameterSpec}s and fills defaults. */
    public static RegularizerParameters of(RegularizerProvider provider, Map<String, String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        for (ParameterSpec spec : provider.parameters()) {
            values.put(spec.name(), given.getOrDefault(spec.name(), spec.defaultValue()));
        }
        for (String key : given.keySet()) {
            if (!values.containsKey(key)) {
                String known = provider.parameters().isEmpty() ? "it takes no parameters"
                        : "its parameters are " + provider.parameters().stream().map(ParameterSpec::name)
                                .collect(Collectors.joining(", "));
                throw new RegularizerException("regularizer '" + provider.name() + "' has no parameter '" + key
                        + "'; " + known);
            }
        }
        return new RegularizerParameters(provider.name(), values);
    }

    public Map<String, String> asMap() {
        return values;
    }

    public String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new RegularizerException("regularizer '" + regularizer + "' declares no parameter '" + name + "'");
        }
        return value;
    }

    public int getInt(String name) {
        try {
            return Integer.parseInt(get(name).trim());
        } catch (NumberFormatException e) {
            throw new RegularizerException("parameter '" + name + "' of regularizer '" + regularizer
                    + "' must be an integer, was '" + get(name) + "'");
        }
    }

    public double getDouble(String name) {
        try {
            return Double.parseDouble(get(name).trim());
        } catch (NumberFormatException e) {
            throw new RegularizerException("parameter '" + name + "' of regularizer '" + regularizer
                    + "' must be a number, was '" + get(name) + "'");
        }
    }
}
