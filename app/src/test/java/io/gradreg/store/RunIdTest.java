package io.gradreg.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RunIdTest {

    @Test
    void printsAndParsesTheRunKeyIncludingSizesWithASlash() {
        RunId id = new RunId(new Cell("dropout", "spectreg", "200/class"), 3);
        assertEquals("dropout/spectreg/200/class#3", id.toString());
        assertEquals(id, RunId.parse("dropout/spectreg/200/class#3"));
        assertEquals(new RunId(new Cell("baseline", "cp", "5000"), 0), RunId.parse("baseline/cp/5000#0"));
        assertEquals("baseline/cp/5000", Cell.parse("baseline/cp/5000").toString());
    }

    @Test
    void rejectsWhatIsNotARunId() {
        assertEquals("'baseline/cp' is not a table cell (architecture/regularizer/size)",
                assertThrows(IllegalArgumentException.class, () -> RunId.parse("baseline/cp#1")).getMessage());
        assertEquals("'baseline/cp/500#x' is not a run id: 'x' is not a run index",
                assertThrows(IllegalArgumentException.class, () -> RunId.parse("baseline/cp/500#x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunId.parse("baseline/cp/500"));
        assertThrows(IllegalArgumentException.class, () -> new RunId(new Cell("a", "b", "1"), -1));
    }
}
