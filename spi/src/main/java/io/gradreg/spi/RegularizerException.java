package io.gradreg.spi;

/** A regularizer is unknown, misconfigured, or a plugin misbehaves; the message says which and why. */
public final class RegularizerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RegularizerException(String message) {
        super(message);
    }

    public RegularizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
