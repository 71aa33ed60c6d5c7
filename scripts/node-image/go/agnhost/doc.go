// Package agnhost pins the k8s.io/kubernetes module whose test/images/agnhost the lab builds as
// registry.k8s.io/e2e-test-images/agnhost (the tag is that directory's VERSION file). Nothing here
// is compiled into a binary of its own.
package agnhost
