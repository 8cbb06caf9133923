package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmnetd.netlink.Link;
import io.vmnetd.netlink.LinkKind;
import io.vmnetd.netlink.OperState;
import io.vmnetd.netlink.nl.Rtnl;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkShapeTest {
    private static Link bridge(int flags, OperState oper) {
        return new Link(7, "data-br", new LinkKind.Bridge(true, 0), flags, 9000, 68, 65535, 1000, Optional.empty(),
                oper, 0, 0, Optional.empty(), Optional.empty(), Optional.empty(), 0);
    }

    @Test
    void aBridgeThatLostItsPromiscuityIsAChangeForThePlanner() {
        Link promiscuous = bridge(Rtnl.IFF_UP | Rtnl.IFF_PROMISC, OperState.UP);
        Link turnedOff = bridge(Rtnl.IFF_UP, OperState.UP);
        assertThat(LinkShape.of(turnedOff)).isNotEqualTo(LinkShape.of(promiscuous));
    }

    @Test
    void aCarrierOrOperstateChangeIsNot() {
        Link up = bridge(Rtnl.IFF_UP | Rtnl.IFF_LOWER_UP, OperState.UP);
        Link noCarrier = bridge(Rtnl.IFF_UP, OperState.DOWN);
        assertThat(LinkShape.of(noCarrier)).isEqualTo(LinkShape.of(up));
    }
}
