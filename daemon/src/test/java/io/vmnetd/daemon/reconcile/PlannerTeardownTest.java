package io.vmnetd.daemon.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Taking down a cluster network the config no longer declares. */
class PlannerTeardownTest {

    private static Plan teardown(TestKernel kernel) {
        return Planner.teardown("data", "data-br", "data-bo", List.of("eth1", "eth2"), kernel.view());
    }

    @Test
    void deletesBridgeThenBondAndBringsTheNicsUp() {
        Plan plan = teardown(DataNetwork.asDesired());

        assertThat(plan.problems()).isEmpty();
        assertThat(plan.steps()).containsExactly(
                new Steps.DeleteLink("data-br", "cluster network data was removed"),
                new Steps.DeleteLink("data-bo", "cluster network data was removed"),
                new Steps.SetUp("eth1"),
                new Steps.SetUp("eth2"));
        assertThat(plan.steps()).extracting(Step::kind).containsExactly("removed", "removed", "down", "down");
    }

    @Test
    void whatIsAlreadyGoneIsSkipped() {
        TestKernel kernel = DataNetwork.asDesired().without("data-br").without("eth2");

        assertThat(teardown(kernel).steps()).containsExactly(
                new Steps.DeleteLink("data-bo", "cluster network data was removed"),
                new Steps.SetUp("eth1"));
    }

    @Test
    void linksOfTheSameNameButAnotherKindAreNotDeleted() {
        TestKernel kernel = new TestKernel()
                .with(TestLink.dummy("data-br", 11))
                .with(TestLink.bridge("data-bo", 10))
                .with(TestLink.nic("eth1", 2));

        assertThat(teardown(kernel).steps()).containsExactly(
                new Steps.SetUp("eth1"));
    }

    @Test
    void nothingLeftGivesAnEmptyPlan() {
        assertThat(teardown(new TestKernel()).isEmpty()).isTrue();
    }
}
