module k8s-flow-lab/node-image/tools

go 1.24.0
