package io.gradreg.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SubsetSamplerTest {

    static Mnist.Split train;

    @BeforeAll
    static void load() {
        train = Mnist.load(MnistTest.SHIPPED).train();
    }

    @Test
    void perClassDrawsExactlyNOfEachClass() {
        int[] subset = SubsetSampler.perClass(train, 200, 7);
        assertEquals(2000, subset.length);
        int[] counts = new int[10];
        for (int i : subset) {
            counts[train.label(i)]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(200, counts[c], "class " + c);
        }
        assertEquals(2000, Arrays.stream(subset).distinct().count());
    }

    @Test
    void totalDrawsDistinctImages() {
        int[] subset = SubsetSampler.total(train, 5000, 7);
        assertEquals(5000, subset.length);
        assertEquals(5000, Arrays.stream(subset).distinct().count());
    }

    @Test
    void sameSeedSameSubsetDifferentSeedDifferentSubset() {
        assertArrayEquals(SubsetSampler.perClass(train, 200, 42), SubsetSampler.perClass(train, 200, 42));
        assertFalse(Arrays.equals(SubsetSampler.perClass(train, 200, 42), SubsetSampler.perClass(train, 200, 43)));
        assertArrayEquals(SubsetSampler.total(train, 500, 42), SubsetSampler.total(train, 500, 42));
        assertFalse(Arrays.equals(SubsetSampler.total(train, 500, 42), SubsetSampler.total(train, 500, 43)));
    }

    @Test
    void subsetIsPinnedAcrossMachinesAndVersions() {
        // SplittableRandom's sequence is specified by the Java platform, so these indices are the
        // same everywhere; a change here means old results no longer name their training data.
        assertArrayEquals(new int[] {35, 51, 75, 90, 123}, Arrays.copyOf(SubsetSampler.perClass(train, 200, 1), 5));
        assertArrayEquals(new int[] {129, 191, 273, 279, 374}, Arrays.copyOf(SubsetSampler.total(train, 500, 1), 5));
    }

    @Test
    void impossibleSizesAreRefusedWithTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SubsetSampler.perClass(train, 6000, 1));
        assertEquals("samples per class 6000 exceeds the 5421 training images of class 5, the smallest class", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SubsetSampler.total(train, 60_001, 1));
    }

    @Test
    void specParsesBothModes() {
        assertEquals(SubsetSpec.perClass(200), SubsetSpec.parse("200/class"));
        assertEquals(SubsetSpec.total(5000), SubsetSpec.parse("5000"));
        assertEquals(2000, SubsetSpec.parse("200/class").size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SubsetSpec.parse("lots"));
        assertEquals("training-set size 'lots' is not a number of images ('5000') or a number per class ('200/class')",
                e.getMessage());
    }
}
