package io.vmnetd.daemon.config;

import java.math.BigInteger;

/** An inclusive range of allowed integers; prints as {@code min..max}, the form error messages use. */
record IntRange(int min, int max) {

    boolean contains(BigInteger value) {
        return value.compareTo(BigInteger.valueOf(min)) >= 0 && value.compareTo(BigInteger.valueOf(max)) <= 0;
    }

    @Override
    public String toString() {
        return min + ".." + max;
    }
}
