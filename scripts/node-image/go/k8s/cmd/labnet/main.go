// labnet is the lab's pod network: a small stand-in for kind's kindnetd.
//
// Each kind node is a container on one Docker bridge network, so pod traffic between nodes needs
// only two things, which labnet keeps true on the node it runs on (as a hostNetwork DaemonSet pod):
//   - a CNI config that gives pods addresses from this node's spec.podCIDR (bridge + host-local
//     IPAM + portmap, plugins from Debian's containernetworking-plugins), and
//   - a route to every other node's podCIDR via that node's InternalIP.
//
// It watches Node objects with an informer (controllers watch, they do not poll) and reconciles
// the whole state on every change, so a missed event is repaired by the next one.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

func main() {
	cniConfigPath := flag.String("cni-config", "/etc/cni/net.d/10-labnet.conflist", "where to write this node's CNI config")
	bridgeName := flag.String("bridge", "labbr0", "Linux bridge the pods of this node attach to")
	flag.Parse()

	nodeName := os.Getenv("NODE_NAME")
	if nodeName == "" {
		log.Fatal("NODE_NAME is not set (give it from the downward API: spec.nodeName)")
	}
	config, err := clusterConfig()
	if err != nil {
		log.Fatalf("building the API client config: %v", err)
	}
	config.UserAgent = "labnet/" + nodeName
	client := kubernetes.NewForConfigOrDie(config)

	if err := os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0o644); err != nil {
		log.Printf("enabling ip_forward: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	factory := informers.NewSharedInformerFactory(client, 10*time.Minute)
	nodes := factory.Core().V1().Nodes()
	changed := make(chan struct{}, 1)
	poke := func() {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	nodes.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { poke() },
		UpdateFunc: func(any, any) { poke() },
		DeleteFunc: func(any) { poke() },
	})
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	log.Printf("labnet on %s: watching nodes", nodeName)

	// Reconcile on every change, and every 30 s in case something outside changed the routes.
	ticker := time.NewTicker(30 * time.Second)
	defer ticker.Stop()
	for {
		all, err := nodes.Lister().List(labels.Everything())
		if err == nil {
			if err := reconcile(nodeName, all, *cniConfigPath, *bridgeName); err != nil {
				log.Printf("reconcile: %v", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-ticker.C:
		}
	}
}

// clusterConfig uses the in-cluster config, but talks to the control plane directly when kind gave
// us its endpoint (CONTROL_PLANE_ENDPOINT): the pod network must come up before kube-proxy makes
// the kubernetes Service reachable.
func clusterConfig() (*rest.Config, error) {
	config, err := rest.InClusterConfig()
	if err != nil {
		return nil, err
	}
	if endpoint := os.Getenv("CONTROL_PLANE_ENDPOINT"); endpoint != "" {
		config.Host = "https://" + endpoint
	}
	return config, nil
}

func reconcile(self string, nodes []*corev1.Node, cniConfigPath, bridgeName string) error {
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	for _, node := range nodes {
		if node.Spec.PodCIDR == "" {
			continue
		}
		if node.Name == self {
			if err := writeCNIConfig(cniConfigPath, bridgeName, node.Spec.PodCIDR); err != nil {
				return err
			}
			continue
		}
		if err := ensureRoute(node); err != nil {
			log.Printf("route to %s: %v", node.Name, err)
		}
	}
	return nil
}

func writeCNIConfig(path, bridgeName, podCIDR string) error {
	config := map[string]any{
		"cniVersion": "0.4.0",
		"name":       "labnet",
		"plugins": []any{
			map[string]any{
				"type": "bridge", "bridge": bridgeName, "isGateway": true, "hairpinMode": true, "ipMasq": false,
				"ipam": map[string]any{
					"type":   "host-local",
					"ranges": [][]map[string]string{{{"subnet": podCIDR}}},
					"routes": []map[string]string{{"dst": "0.0.0.0/0"}},
				},
			},
			map[string]any{"type": "portmap", "capabilities": map[string]bool{"portMappings": true}},
		},
	}
	want, _ := json.MarshalIndent(config, "", "  ")
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, want) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	// Write then rename, so the kubelet never reads half a file.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, want, 0o644); err != nil {
		return err
	}
	log.Printf("CNI config for pod CIDR %s written to %s", podCIDR, path)
	return os.Rename(tmp, path)
}

func ensureRoute(node *corev1.Node) error {
	_, podNet, err := net.ParseCIDR(node.Spec.PodCIDR)
	if err != nil {
		return err
	}
	var gateway net.IP
	for _, address := range node.Status.Addresses {
		if address.Type == corev1.NodeInternalIP {
			if ip := net.ParseIP(address.Address); ip != nil && (ip.To4() != nil) == (podNet.IP.To4() != nil) {
				gateway = ip
			}
		}
	}
	if gateway == nil {
		return fmt.Errorf("no InternalIP of the pod CIDR's family yet")
	}
	route := &netlink.Route{Dst: podNet, Gw: gateway}
	existing, err := netlink.RouteListFiltered(netlink.FAMILY_ALL, &netlink.Route{Dst: podNet}, netlink.RT_FILTER_DST)
	if err == nil && len(existing) == 1 && existing[0].Gw.Equal(gateway) {
		return nil
	}
	log.Printf("route %s via %s (%s)", podNet, gateway, node.Name)
	return netlink.RouteReplace(route)
}
