package io.roomcast.internal.crypto;

/** An SRP exchange that must be abandoned: a peer sent an unsafe value or a wrong proof. */
public final class SrpException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception saying what was wrong. */
    public SrpException(String message) {
        super(message);
    }
}
