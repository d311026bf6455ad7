"""Test harnesses for iamstore, for this project's tests and for yours.

- `inproc.InProcessNode`: a real node on 127.0.0.1 in a background thread of this process,
  with its own event loop; a blocking test talks to it with `iamstore.client.Client`.
- `memory.MemoryCluster`: several nodes in one event loop whose peer traffic crosses an
  in-memory network the test partitions, heals and delays.
- `inline_sqlite.open_memory_database`: an in-memory database whose calls run inline on the
  event loop, for replicas without threads.
- `virtual_time.VirtualTimeLoop`: an asyncio event loop on virtual time, so timeouts and
  gossip intervals pass instantly and a run replays exactly from its seed.
- `virtual_replica.VirtualReplica`: a replica (State, Replicator, Writer) on such a loop, with
  injectable faults.
- `model_check`: the deterministic replication model checker built on the two above
  (`python -m iamstore.cluster.testing.model_check --seed S`), with its workload
  (`model_check_workload`) and its specification of IAM (`model_check_spec`).

Nothing here is imported by a running node; docs/testing.md says how the tests use each.
"""
