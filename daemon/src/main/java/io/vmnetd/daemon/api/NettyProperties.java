package io.vmnetd.daemon.api;

/**
 * Netty's process-wide choices, which it reads from system properties as its classes initialise, so they are made
 * before the API server touches the first of them. An option given on the command line (VMNETD_JAVA_OPTS) wins.
 *
 * <ul>
 *   <li>{@code io.netty.allocator.type=unpooled}: the API reads requests of a few kilobytes at most, some per second;
 *       a plain buffer per read, freed when the request is answered, holds no memory between calls, where Netty
 *       4.2's default (adaptive) keeps chunks per thread. Measured with {@code scripts/bench start}: no slower.
 *   <li>{@code io.netty.jfr.enabled=false}: the buffer allocators' flight-recorder events would otherwise be set up
 *       at the first allocation, loading ~80 {@code jdk.jfr} classes and generating their handlers (some 100 ms of
 *       CPU at start). A flight recording of the daemon still has the JVM's own events.
 * </ul>
 */
final class NettyProperties {

    private NettyProperties() {}

    static void apply() {
        setIfAbsent("io.netty.allocator.type", "unpooled");
        setIfAbsent("io.netty.jfr.enabled", "false");
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
