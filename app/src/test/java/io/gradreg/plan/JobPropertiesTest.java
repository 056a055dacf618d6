package io.gradreg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hostile or mistaken job properties are refused before anything runs, with a message naming the fix. */
class JobPropertiesTest {

    private static String refused(String... params) {
        return assertThrows(IllegalArgumentException.class, () -> ExperimentSpecTest.parse("quickstart", params))
                .getMessage();
    }

    @Test
    void aMisspeltPropertyIsRefusedWithTheClosestName() {
        assertEquals("unknown job property 'runz'; did you mean 'runs'? (the properties: docs/jobs.md, \"Job properties\")",
                refused("runz", "1"));
        assertEquals("unknown job property 'learning_rate'; did you mean 'learning-rate'? (the properties: docs/jobs.md, "
                + "\"Job properties\")", refused("learning_rate", "0.01"));
        assertEquals("unknown job property 'colour' (the properties: docs/jobs.md, \"Job properties\")",
                refused("colour", "red"));
    }

    @Test
    void weightsParametersAndGradregsOwnKeysAreNotUnknown() {
        ExperimentSpecTest.parse("quickstart", "weight.baseline.spectreg", "0.01", "gradreg.plan", "x");
    }

    @Test
    void aListNamingAnItemTwiceIsRefused() {
        assertEquals("job property 'regularizers' lists 'none' twice", refused("regularizers", "none none"));
        assertEquals("job property 'train-sizes' lists '50/class' twice", refused("train-sizes", "50/class,50/class"));
    }

    @Test
    void aPlanOfNoRunIsRefused() {
        for (String key : new String[] {"regularizers", "architectures", "train-sizes"}) {
            assertEquals("job property '" + key + "' is empty", refused(key, ""));
            assertEquals("job property '" + key + "' is empty", refused(key, " , "));
        }
        assertEquals("job property 'runs' must be a positive integer, was '0'", refused("runs", "0"));
    }

    @Test
    void aWeightOtherThanTheJobFilesIsAnOverride() {
        java.util.Properties file = new java.util.Properties();
        file.setProperty("regularizers", "none spectreg jacreg");
        file.setProperty("weight.spectreg", "0.01");
        file.setProperty("weight.dropout.spectreg", "0.02");
        java.util.Properties none = new java.util.Properties();
        java.util.Properties same = new java.util.Properties();
        same.setProperty("weight.spectreg", "0.01");
        java.util.Properties other = new java.util.Properties();
        other.setProperty("weight.spectreg", "0.1");
        other.setProperty("weight.jacreg", "0.5");
        io.gradreg.regularizer.Regularizers regularizers = io.gradreg.regularizer.Regularizers.builtIn();
        java.util.function.BiFunction<java.util.Properties, String, java.util.OptionalDouble> overridden =
                (parameters, key) -> {
                    java.util.Properties merged = new java.util.Properties();
                    merged.putAll(parameters);
                    merged.putIfAbsent("weight.jacreg", "0.3");
                    RunSpec run = ExperimentSpec.parse(file, merged, regularizers).run(key);
                    return JobProperties.overriddenWeight(file, parameters, run);
                };
        assertEquals(java.util.OptionalDouble.empty(), overridden.apply(none, "baseline/spectreg/200/class#0"));
        assertEquals(java.util.OptionalDouble.empty(), overridden.apply(same, "baseline/spectreg/200/class#0"));
        assertEquals(java.util.OptionalDouble.of(0.01), overridden.apply(other, "baseline/spectreg/200/class#0"));
        assertEquals(java.util.OptionalDouble.empty(), overridden.apply(other, "baseline/none/200/class#0"));
        // the job file gives jacreg no weight at all
        assertTrue(Double.isNaN(overridden.apply(other, "baseline/jacreg/200/class#0").orElseThrow()));
    }

    @Test
    void controlCharactersAreRefused() {
        assertEquals("job property 'description' contains a control character (U+000A); write it on one line, "
                + "without tabs", refused("description", "a\nb"));
    }

    @Test
    void experimentNamesAreSafeForDirectoriesAndLabels() {
        String message = refused("experiment", "../../esc");
        assertEquals("job property 'experiment' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a "
                + "letter or digit (it names report directories), was '../../esc'", message);
        refused("experiment", "a".repeat(65));
        ExperimentSpecTest.parse("quickstart", "experiment", "c6_v2.1-final");
    }

    @Test
    void sizesAreBoundedBeforeAnythingIsAllocated() {
        assertEquals("job property 'runs' must be at most 100000, was 100000000", refused("runs", "100000000"));
        String tooMany = refused("runs", "50000");
        org.junit.jupiter.api.Assertions.assertTrue(tooMany.startsWith("the job plans ")
                && tooMany.endsWith(" runs (architectures x regularizers x train-sizes x runs); at most 100000 fit one "
                + "experiment: split it into several jobs"), tooMany);
        assertEquals("job property 'batch-size' must be at most 60000, was 1000000", refused("batch-size", "1000000"));
        assertEquals("job property 'partitions' must be at most 256, was 100000", refused("partitions", "100000"));
    }
}
