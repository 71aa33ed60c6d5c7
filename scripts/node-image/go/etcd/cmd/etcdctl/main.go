// etcdctl for the lab's node image; the trace uses `etcdctl watch` to see the API server's writes.
package main

import "go.etcd.io/etcd/etcdctl/v3/ctlv3"

func main() { ctlv3.MustStart() }
