// CoreDNS for the lab's node image (kubeadm's cluster DNS add-on), with CoreDNS's standard plugin set.
package main

import (
	_ "github.com/coredns/coredns/core/plugin" // registers every standard plugin
	"github.com/coredns/coredns/coremain"
)

func main() { coremain.Run() }
