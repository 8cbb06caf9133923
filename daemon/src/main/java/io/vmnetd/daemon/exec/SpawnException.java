package io.vmnetd.daemon.exec;

import java.io.IOException;

/** The program could not be started (or the pipes for it made): nothing ran, nothing is left behind. */
public final class SpawnException extends IOException {
    SpawnException(String message) {
        super(message);
    }
}
