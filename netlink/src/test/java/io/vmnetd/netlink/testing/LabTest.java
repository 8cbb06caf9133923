package io.vmnetd.netlink.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class that needs a kernel with 802.1Q, bridge VLAN filtering, dummy and bonding: surefire skips it
 * and scripts/test runs it inside scripts/lab.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("lab")
public @interface LabTest {
}
