package io.vmnetd.daemon.reconcile;

/** What a reconcile covers: every network (and the teardown of removed ones), or one network. */
public sealed interface Scope {
    Scope ALL = new All();

    static Scope network(String name) {
        return new Network(name);
    }

    /** True when this scope includes the network {@code name}. */
    boolean covers(String name);

    record All() implements Scope {
        public boolean covers(String name) {
            return true;
        }
    }

    record Network(String name) implements Scope {
        public boolean covers(String other) {
            return name.equals(other);
        }
    }
}
