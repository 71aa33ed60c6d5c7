// runc-capfilter is an OCI runtime that hands every call to the real runc, after removing from
// the container's spec the Linux capabilities that this process cannot grant.
//
// Why: on some sandboxed hosts the capability bounding set lacks a capability (for example
// CAP_SYS_RESOURCE). `docker run --privileged`, which kind uses for every node, asks for all
// capabilities, and runc then fails with "unable to apply caps: operation not permitted". Only
// the capabilities missing from the bounding set are removed; everything else is untouched, and
// on a host whose bounding set is complete this program changes nothing.
//
// Usage as a runtime: dockerd's daemon.json "runtimes", or containerd's runc BinaryName.
// `runc-capfilter --missing` prints the missing capabilities (one per line) and exits.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// capabilityNames maps capability numbers (linux/capability.h) to the names the OCI spec uses.
var capabilityNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

// globalFlagsWithValue are runc's global flags that take a separate value argument; we must skip
// their values to find the subcommand.
var globalFlagsWithValue = map[string]bool{"--root": true, "--log": true, "--log-format": true, "--criu": true, "--rootless": true}

func main() {
	args := os.Args[1:]
	missing, err := missingCapabilities()
	if err != nil {
		fail("reading the capability bounding set: %v", err)
	}
	if len(args) == 1 && args[0] == "--missing" {
		for _, name := range missing {
			fmt.Println(name)
		}
		return
	}
	if len(missing) > 0 {
		if err := filterSpecFor(args, missing); err != nil {
			fail("%v", err)
		}
	}
	realRuntime := findRealRunc()
	if err := syscall.Exec(realRuntime, append([]string{realRuntime}, args...), os.Environ()); err != nil {
		fail("exec %s: %v", realRuntime, err)
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "runc-capfilter: "+format+"\n", a...)
	os.Exit(1)
}

// missingCapabilities lists known capabilities up to cap_last_cap that are not in CapBnd.
func missingCapabilities() ([]string, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil, err
	}
	var bounding uint64
	found := false
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			bounding, err = strconv.ParseUint(strings.TrimSpace(rest), 16, 64)
			if err != nil {
				return nil, err
			}
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("no CapBnd line in /proc/self/status")
	}
	last := len(capabilityNames) - 1
	if raw, err := os.ReadFile("/proc/sys/kernel/cap_last_cap"); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil && n < last {
			last = n
		}
	}
	var missing []string
	for bit := 0; bit <= last; bit++ {
		if bounding&(1<<uint(bit)) == 0 {
			missing = append(missing, capabilityNames[bit])
		}
	}
	return missing, nil
}

// filterSpecFor edits the spec file runc is about to read: config.json of the bundle for
// create/run, the --process file for exec.
func filterSpecFor(args []string, missing []string) error {
	sub, rest := subcommand(args)
	switch sub {
	case "create", "run":
		bundle := flagValue(rest, "--bundle", "-b")
		if bundle == "" {
			bundle = "."
		}
		return rewriteJSON(filepath.Join(bundle, "config.json"), missing, func(doc map[string]any) map[string]any {
			process, _ := doc["process"].(map[string]any)
			return process
		})
	case "exec":
		if processFile := flagValue(rest, "--process", "-p"); processFile != "" {
			return rewriteJSON(processFile, missing, func(doc map[string]any) map[string]any { return doc })
		}
	}
	return nil
}

func subcommand(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			return arg, args[i+1:]
		}
		if globalFlagsWithValue[arg] {
			i++
		}
	}
	return "", nil
}

func flagValue(args []string, long, short string) string {
	for i, arg := range args {
		if arg == long || arg == short {
			if i+1 < len(args) {
				return args[i+1]
			}
		}
		if v, ok := strings.CutPrefix(arg, long+"="); ok {
			return v
		}
	}
	return ""
}

// rewriteJSON removes the missing capabilities from every capability set of the process object.
func rewriteJSON(path string, missing []string, processOf func(map[string]any) map[string]any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("parsing %s: %w", path, err)
	}
	process := processOf(doc)
	if process == nil {
		return nil
	}
	caps, _ := process["capabilities"].(map[string]any)
	if caps == nil {
		return nil
	}
	drop := map[string]bool{}
	for _, name := range missing {
		drop[name] = true
	}
	for set, value := range caps {
		list, _ := value.([]any)
		kept := make([]any, 0, len(list))
		for _, c := range list {
			if name, _ := c.(string); !drop[name] {
				kept = append(kept, c)
			}
		}
		caps[set] = kept
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, out, info.Mode().Perm())
}

// findRealRunc picks the runc binary to hand over to: $RUNC_CAPFILTER_REAL, else the first runc
// on the usual paths that is not this program.
func findRealRunc() string {
	if p := os.Getenv("RUNC_CAPFILTER_REAL"); p != "" {
		return p
	}
	self, _ := os.Executable()
	selfResolved, _ := filepath.EvalSymlinks(self)
	for _, candidate := range []string{"/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc"} {
		resolved, err := filepath.EvalSymlinks(candidate)
		if err != nil || resolved == selfResolved {
			continue
		}
		return candidate
	}
	fail("no runc found (looked in /usr/sbin, /usr/bin, /usr/local/sbin, /usr/local/bin); set RUNC_CAPFILTER_REAL")
	return ""
}
