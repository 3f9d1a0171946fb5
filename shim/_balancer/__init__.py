"""`shim.Router`: LiteLLM's Router over several gateways (load balancing, retries, cooldowns, fallbacks).

config.py      the model list, checked once: deployments, policies, fallbacks
strategies.py  which healthy deployment takes a call (simple-shuffle, least-busy, latency, usage)
cooldowns.py   when a failure sits a deployment out, and for how long
state.py       what the Router remembers (cooldowns, per-minute usage, in-flight calls), in this process
redis_state.py the same, shared by every process through Redis (`redis_url=...`)
flow.py        one call's decisions (pick, send, retry, fall back) as one generator of effects
router.py      `Router`: the model list's methods and thin sync/async drivers of the flow
"""
