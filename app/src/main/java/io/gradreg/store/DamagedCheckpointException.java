package io.gradreg.store;

/**
 * A run's stored checkpoint fails its checksum or cannot be read back: it is of no use. The
 * trainer discards it ({@link Runs#discardCheckpoint}) and trains the run again from the start.
 */
public final class DamagedCheckpointException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DamagedCheckpointException(String message) {
        super(message);
    }

    public DamagedCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
