"""`iamstore cluster rotate-keys` at any time: every member gets a new cluster key and a new
session-token key, older session tokens are refused, and the members replicate on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from peer_fixtures import iamstore, tls_cluster

from iamstore.client import Client, Credentials, InvalidClientTokenIdError
from iamstore.client.credentials import resolve_credentials
from iamstore.cluster.local import CLUSTER_KEY, PREVIOUS_CLUSTER_KEY, SESSION_KEY, LocalCluster

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    with tls_cluster(tmp_path_factory.mktemp("rotate") / "c", 2) as local:
        yield local


def _client(cluster: LocalCluster, name: str, credentials: Credentials | None = None) -> Client:
    return Client(
        cluster.node(name).listen,
        credentials=credentials
        or resolve_credentials(credentials_file=str(cluster.credentials_file)),
        timeout=10,
        tls_ca=cluster.ca_file,
    )


def test_rotate_keys_refuses_older_session_tokens_and_members_replicate_on(
    cluster: LocalCluster,
) -> None:
    with _client(cluster, "node1") as root:
        issued = root.get_session_token(duration_seconds=3600).credentials
        user = root.create_user(user_name="before-rotation").user
    before = Credentials(issued.access_key_id, issued.secret_access_key, issued.session_token)
    with _client(cluster, "node2", before) as session:
        session.get_caller_identity()  # the positive control
    folders = [cluster.node(name).data_dir for name in cluster.names]
    old = {file: (folders[0] / file).read_bytes() for file in (CLUSTER_KEY, SESSION_KEY)}

    done = iamstore("cluster", "rotate-keys", "--dir", str(cluster.root))
    assert done.returncode == 0, done.stderr
    assert "session tokens issued before are refused" in done.stdout

    for file, old_key in old.items():
        new_keys = {(folder / file).read_bytes() for folder in folders}
        assert len(new_keys) == 1  # every member holds the same new key...
        assert old_key not in new_keys  # ...and not the old one
    assert (folders[1] / PREVIOUS_CLUSTER_KEY).read_bytes() == old[CLUSTER_KEY]
    for name in cluster.names:
        with _client(cluster, name, before) as session, pytest.raises(InvalidClientTokenIdError):
            session.get_caller_identity()
    with _client(cluster, "node1") as root:
        root.create_user(user_name="after-rotation")
        token = root.consistency_token
    with _client(cluster, "node2") as two:
        assert two.get_user(user_name="after-rotation", at_least=token).user.user_name
        assert two.get_user(user_name="before-rotation").user.user_id == user.user_id
