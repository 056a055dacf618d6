package io.gradreg.spi;

/**
 * One parameter a regularizer accepts besides its weight.
 *
 * @param name key used in job XML and on the command line ({@code --param name=value})
 * @param description one line for {@code gradreg regularizers}
 * @param defaultValue used when the parameter is not given
 */
public record ParameterSpec(String name, String description, String defaultValue) {
}
