package io.vmnetd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallerAuthorizerTest {

    /** vmnet (gid 990) lists alice; bob (uid 1001) is not in it; uid 1002 has no passwd entry. */
    private static final GroupDirectory DIRECTORY = new GroupDirectory() {
        @Override
        public Optional<Group> group(String name) {
            return name.equals("vmnet") ? Optional.of(new Group("vmnet", 990, List.of("alice"))) : Optional.empty();
        }

        @Override
        public Optional<String> userName(int uid) {
            return Optional.ofNullable(Map.of(1000, "alice", 1001, "bob").get(uid));
        }
    };

    private final CallerAuthorizer authorizer = new CallerAuthorizer("vmnet", DIRECTORY);

    @Test
    void rootIsAlwaysAllowed() {
        assertThat(authorizer.refusal(new Caller(1, 0, 12345))).isEmpty();
        assertThat(new CallerAuthorizer("missing", DIRECTORY).refusal(new Caller(1, 0, 0))).isEmpty();
    }

    @Test
    void primaryGroupMatchIsAllowed() {
        assertThat(authorizer.refusal(new Caller(1, 1001, 990))).isEmpty();
        assertThat(authorizer.refusal(new Caller(1, 1002, 990))).isEmpty();
    }

    @Test
    void listedMemberIsAllowed() {
        assertThat(authorizer.refusal(new Caller(1, 1000, 100))).isEmpty();
    }

    @Test
    void othersAreRefusedWithTheReason() {
        assertThat(authorizer.refusal(new Caller(1, 1001, 100)))
                .hasValue("uid 1001 is neither root nor a member of group vmnet");
        assertThat(authorizer.refusal(new Caller(1, 1002, 100)))
                .hasValue("uid 1002 is neither root nor a member of group vmnet");
    }

    @Test
    void missingGroupRefusesEveryoneButRoot() {
        assertThat(new CallerAuthorizer("gone", DIRECTORY).refusal(new Caller(1, 1000, 990)))
                .hasValue("uid 1000 is neither root nor a member of group gone (the group does not exist)");
    }

    @Test
    void onlyRootMayChangeTheNodeUnlessAnAdminGroupIsOptedIn() {
        assertThat(authorizer.writeRefusal(new Caller(1, 0, 0))).isEmpty();
        assertThat(authorizer.writeRefusal(new Caller(1, 1000, 990))).hasValueSatisfying(r -> assertThat(r)
                .contains("may read but not change the node").contains("no adminGroup is configured"));

        CallerAuthorizer withAdmins = new CallerAuthorizer("root", Optional.of("vmnet"), DIRECTORY);
        assertThat(withAdmins.writeRefusal(new Caller(1, 1000, 100))).as("alice, listed in vmnet").isEmpty();
        assertThat(withAdmins.refusal(new Caller(1, 1000, 100))).as("admins may read too").isEmpty();
        assertThat(withAdmins.writeRefusal(new Caller(1, 1001, 100))).isPresent();
    }

    @Test
    void systemDirectoryKnowsRoot() {
        assertThat(GroupDirectory.system().group("root")).hasValueSatisfying(g -> assertThat(g.gid()).isZero());
        assertThat(GroupDirectory.system().userName(0)).hasValue("root");
        assertThat(GroupDirectory.system().group("no-such-group-vmnetd")).isEmpty();
    }
}
