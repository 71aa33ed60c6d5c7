// Package e2e pins the k8s.io/kubernetes module whose test/e2e package the lab compiles with
// `go test -c` into e2e.test, upstream's Ginkgo e2e suite, for `lab conformance`. The blank
// import keeps the suite's dependencies in this module's go.mod; nothing here is compiled into a
// binary of its own.
package e2e

import _ "k8s.io/kubernetes/test/e2e"
