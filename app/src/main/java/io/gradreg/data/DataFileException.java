package io.gradreg.data;

/**
 * A data file is missing, truncated or not the file we expect. The message names the file and
 * says what was expected, so that it can be shown to a user as is.
 */
public final class DataFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DataFileException(String message) {
        super(message);
    }

    public DataFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
