package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arithmetic of the caps: root may use every slot, non-root uids half of them together and each its own share. */
class ConnectionGateTest {

    private final ConnectionGate gate = ConnectionGate.forUnixSocket(ApiLimits.defaults().withConnections(8, 2));

    @Test
    void nonRootUidsShareHalfAndEachOnlyItsOwn() {
        assertThat(gate.admit(1000)).isEmpty();
        assertThat(gate.admit(1000)).isEmpty();
        assertThat(gate.admit(1000)).hasValueSatisfying(why -> assertThat(why).contains("uid 1000 already holds 2"));
        assertThat(gate.admit(1001)).isEmpty();
        assertThat(gate.admit(1001)).isEmpty();
        assertThat(gate.admit(1002)).hasValueSatisfying(why ->
                assertThat(why).contains("non-root callers together hold 4"));
        for (int i = 0; i < 4; i++) {
            assertThat(gate.admit(0)).as("root's half").isEmpty();
        }
        assertThat(gate.admit(0)).hasValueSatisfying(why -> assertThat(why).contains("cap of 8"));
        gate.release(1000);
        assertThat(gate.admit(1002)).isEmpty();
        assertThat(gate.open()).isEqualTo(8);
    }

    @Test
    void rootMayUseEverySlot() {
        for (int i = 0; i < 8; i++) {
            assertThat(gate.admit(0)).isEmpty();
        }
        assertThat(gate.admit(0)).isPresent();
        assertThat(gate.admit(1000)).isPresent();
        gate.release(0);
        assertThat(gate.admit(1000)).isEmpty();
    }
}
