package io.vmnetd.kube;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-node API load the README states, held to: what a node lists, watches and writes. */
class ApiLoadTest {

    @Test
    void aNodeListsAndWatchesFiveThingsAndWritesOnlyWhatChanged() throws Exception {
        ApiLoad.Result r = ApiLoad.measure(50, 5);

        assertThat(r.start().lists()).as("%s", r).isEqualTo(5);
        assertThat(r.start().watches()).as("%s", r).isEqualTo(5);
        assertThat(r.start().writes()).as("one VlanStatus created, one node label patched: %s", r).isEqualTo(2);
        assertThat(r.start().other()).as("%s", r).isZero();
        assertThat(r.steady().total()).as("reconciles that change nothing write nothing: %s", r).isZero();
        assertThat(r.restart().lists()).as("the watches resume from their versions: %s", r).isZero();
        assertThat(r.restart().watches()).as("%s", r).isEqualTo(5);
        assertThat(r.restart().writes()).as("%s", r).isZero();
    }
}
