# Kaito for .NET. `make up` runs it on a local control plane; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CLUSTER := hack/local-cluster
DOTNET ?= dotnet
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: prereqs
prereqs: ## install missing prerequisites (apt, npm helm, golang when the control plane must be built)
	@bash $(CLUSTER)/prereqs.sh

.PHONY: cluster-up
cluster-up: prereqs ## build (once, cached) and start etcd + kube-apiserver/controller-manager/scheduler v1.20.2
	@bash $(CLUSTER)/build.sh $(if $(filter off,$(KAITO_NODE)),--control-plane-only)
	@bash $(CLUSTER)/up.sh

.PHONY: cluster-down
cluster-down: ## stop the local control plane (add PURGE=1 to drop its etcd data)
	@bash $(CLUSTER)/down.sh $(if $(PURGE),--purge)

.PHONY: up
# The operator runs as its users run it: its image built by docker, both charts installed by helm, on a real node
# (containerd + kubelet). KAITO_NODE=off runs it as a host process instead, with no real node (quicker to iterate).
up: cluster-up ## run Kaito (operator + webhooks) on the local cluster; kubeconfig at .local/kubeconfig
	@bash $(CLUSTER)/simulator.sh
	@if [[ "$${KAITO_NODE:-on}" == off ]]; then bash $(CLUSTER)/operator.sh; else bash $(CLUSTER)/node-up.sh && bash $(CLUSTER)/install.sh >/dev/null; fi
	@printf '\n\033[1mKaito is running\033[0m (control plane, simulated GPU provisioning, operator). Try:\n\n'
	@printf '  export KUBECONFIG=$(CURDIR)/.local/kubeconfig\n'
	@printf '  kubectl apply -f examples/inference/kaito_workspace_phi_3.5-instruct.yaml\n'
	@printf '  kubectl get wk -w                              # columns turn True within a minute; Ctrl-C to stop\n'
	@printf '  kubectl describe wk workspace-phi-3-5-mini     # conditions and events, step by step\n\n'
	@printf 'More in examples/ (RAG, tuning, adapters); logs in .local/logs; stop with make down.\n' 

.PHONY: down
down: cluster-down ## stop everything `make up` started

.PHONY: build
build: ## build the solution
	$(DOTNET) build Kaito.sln -c Release --nologo -v minimal

.PHONY: crds
crds: ## regenerate the CRDs in charts/kaito/*/crds from src/Api.V1Beta1
	$(DOTNET) run --project hack/CrdGen -c Release -- $(CURDIR)

# The suite runs against the Native AOT operator, the build the container image ships (KAITO_OPERATOR_BUILD=jit
# for the quicker JIT build).
.PHONY: test
test: export KAITO_OPERATOR_BUILD := $(or $(KAITO_OPERATOR_BUILD),aot)
test: up test-images build ## everything needed, then all test projects (unit, control plane, e2e, helm)
	$(DOTNET) test Kaito.sln -c Release --no-build --nologo -v minimal --logger "console;verbosity=normal" --filter "Category!=Exclusive"
	@echo "==> tests that stop or reconfigure the local operator (helm install, karpenter mode): one at a time, last"
	$(DOTNET) test tests/Charts.Tests -c Release --no-build --nologo -v minimal --logger "console;verbosity=normal" --filter "Category=Exclusive"
	$(DOTNET) test tests/e2e -c Release --no-build --nologo -v minimal --logger "console;verbosity=normal" --filter "Category=Exclusive"

.PHONY: test-images
test-images: ## build the test doubles of the GPU images and push them to the local registry (hack/TestDoubles)
	@if [[ "$${KAITO_NODE:-on}" != off ]]; then bash $(CLUSTER)/test-images.sh >/dev/null; fi

.PHONY: test-faults
test-faults: build ## the long fault tests: 100,000 fuzzed AdmissionReviews (KAITO_FUZZ_COUNT and KAITO_FUZZ_SEED replay a run); CI runs it after make test
	KAITO_FUZZ_COUNT=$(or $(KAITO_FUZZ_COUNT),100000) $(DOTNET) test tests/Webhooks.Tests -c Release --no-build --nologo -v minimal --logger "console;verbosity=detailed" --filter "FullyQualifiedName~MalformedAdmissionReviewTests"

.PHONY: bench
bench: ## benchmarks: planner per-call cost vs baseline, CLI answer time
	$(DOTNET) run -c Release --project bench/Kaito.Bench

.PHONY: cli
cli: ## publish kubectl-kaito to .local/bin (add it to PATH for `kubectl kaito ...`)
	$(DOTNET) publish src/Cli -c Release -o .local/bin --nologo -v minimal
	@echo "export PATH=\"$(CURDIR)/.local/bin:\$$PATH\"   # then: kubectl kaito plan --preset phi-4 --instance-type Standard_NC24ads_A100_v4"

.PHONY: golden
golden: ## rewrite the golden files: manifests from examples/ and helm template output
	UPDATE_GOLDEN=1 $(DOTNET) test tests/Reconcilers.Tests --filter FullyQualifiedName~Golden
	UPDATE_GOLDEN=1 $(DOTNET) test tests/Charts.Tests --filter FullyQualifiedName~Helm_template

.PHONY: helm-lint
helm-lint: ## helm lint --strict both charts (the helm `make prereqs` installs, else helm on PATH)
	@source $(CLUSTER)/common.sh; helm="$$(helm_bin)"; [[ -n "$$helm" ]] || die "no helm; run 'make prereqs'"; \
	  for chart in charts/kaito/*/; do "$$helm" lint --strict "$$chart"; done

.PHONY: bench-webhooks
bench-webhooks: ## webhook HTTPS throughput/latency vs a bare Kestrel endpoint, loaded by wrk (32 connections, 20 s each in 4 interleaved rounds), JIT and Native AOT builds
	@bash hack/bench-webhooks.sh

.PHONY: bench-webhooks-ab
bench-webhooks-ab: ## A/B of one admission endpoint between two commits (A=<ref> B=<ref> [ENDPOINT=validate|mutate|bare|handler]): both Native AOT builds served at once, loaded by wrk in alternating slices; handler: the answers timed on one thread, alternately
	@bash hack/bench-webhooks-ab.sh "$(A)" "$(B)" $(or $(ENDPOINT),validate)

# The process benchmarks measure the operator as a host process (KAITO_NODE=off); bench-pod-memory the in-cluster pod.
.PHONY: bench-convergence
bench-convergence: export KAITO_NODE := off
bench-convergence: export KAITO_OPERATOR_BUILD := aot
bench-convergence: up ## N Workspaces at once (N=200; try N=1000 or 5000) on the shipped AOT operator: time, CPU-s and writes per Workspace, idle writes, peak RSS, reaction p50/p99, machine share
	@bash hack/bench-convergence.sh $(or $(N),200) 60

.PHONY: bench-restart
bench-restart: export KAITO_NODE := off
bench-restart: up ## kill and restart the API server (at once, after 30 s) and etcd under the running operator: time until every informer watches, requests and CPU in the next minute
	@bash hack/bench-restart.sh
	@bash hack/bench-restart.sh --down 30
	@bash hack/bench-restart.sh --component etcd --down 5

.PHONY: bench-pod-memory
bench-pod-memory: up ## the in-cluster operator's memory from its cgroup (working set, RSS): idle, after N Workspaces (N=200), idle again
	@bash hack/bench-pod-memory.sh $(or $(N),200)
