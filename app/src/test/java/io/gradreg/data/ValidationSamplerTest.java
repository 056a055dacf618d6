package io.gradreg.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ValidationSamplerTest {

    static Mnist.Split train;

    @BeforeAll
    static void load() {
        train = Mnist.load(MnistTest.SHIPPED).train();
    }

    @Test
    void validationImagesAreOutsideTheTrainingSubsetAndDistinct() {
        int[] training = SubsetSampler.perClass(train, 200, 3);
        int[] validation = ValidationSampler.outside(train, training, 10_000, 3);
        assertEquals(10_000, validation.length);
        assertEquals(10_000, Arrays.stream(validation).distinct().count());
        Set<Integer> inTraining = new HashSet<>();
        Arrays.stream(training).forEach(inTraining::add);
        assertTrue(Arrays.stream(validation).noneMatch(inTraining::contains), "validation overlaps training");
        assertTrue(Arrays.stream(validation).allMatch(i -> i >= 0 && i < train.size()));
    }

    @Test
    void theDrawDependsOnlyOnTheSeedAndTheTrainingSubset() {
        int[] training = SubsetSampler.total(train, 5000, 11);
        assertArrayEquals(ValidationSampler.outside(train, training, 2000, 11),
                ValidationSampler.outside(train, training, 2000, 11));
        assertFalse(Arrays.equals(ValidationSampler.outside(train, training, 2000, 11),
                ValidationSampler.outside(train, training, 2000, 12)));
    }

    @Test
    void askingForMoreThanTheRestIsRefusedWithTheBound() {
        int[] training = SubsetSampler.total(train, 20_000, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValidationSampler.outside(train, training, 40_001, 1));
        assertEquals("validation images must be within 1..40000 (the training images outside a training subset of "
                + "20000), was 40001", e.getMessage());
    }
}
