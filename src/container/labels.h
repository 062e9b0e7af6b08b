/* Container label keys, exactly as nerdctl writes them, so nerdctl and nerdc share containers. */
#pragma once

#define LABEL_PREFIX "nerdctl/"
#define LABEL_NAMESPACE LABEL_PREFIX "namespace"
#define LABEL_NAME LABEL_PREFIX "name"
#define LABEL_HOSTNAME LABEL_PREFIX "hostname"
#define LABEL_DOMAINNAME LABEL_PREFIX "domainname"
#define LABEL_EXTRA_HOSTS LABEL_PREFIX "extraHosts"
#define LABEL_STATE_DIR LABEL_PREFIX "state-dir"
#define LABEL_NETWORKS LABEL_PREFIX "networks"
#define LABEL_PORTS LABEL_PREFIX "ports"
#define LABEL_IP LABEL_PREFIX "ip"
#define LABEL_IP6 LABEL_PREFIX "ip6"
#define LABEL_LOG_URI LABEL_PREFIX "log-uri"
#define LABEL_PID_FILE LABEL_PREFIX "pid-file"
#define LABEL_ANONYMOUS_VOLUMES LABEL_PREFIX "anonymous-volumes"
#define LABEL_PLATFORM LABEL_PREFIX "platform"
#define LABEL_MOUNTS LABEL_PREFIX "mounts"
#define LABEL_STOP_TIMEOUT LABEL_PREFIX "stop-timeout"
#define LABEL_MAC_ADDRESS LABEL_PREFIX "mac-address"
#define LABEL_PID_CONTAINER LABEL_PREFIX "pid-container"
#define LABEL_IPC LABEL_PREFIX "ipc"
#define LABEL_ERROR LABEL_PREFIX "error"
#define LABEL_DEFAULT_NETWORK LABEL_PREFIX "default-network"
#define LABEL_AUTO_REMOVE LABEL_PREFIX "auto-remove"
#define LABEL_LOG_CONFIG LABEL_PREFIX "log-config"
#define LABEL_HOST_CONFIG LABEL_PREFIX "host-config"
#define LABEL_DNS LABEL_PREFIX "dns"
#define LABEL_USER LABEL_PREFIX "user"
#define LABEL_PRIVILEGED LABEL_PREFIX "privileged"
#define LABEL_EXPOSED_PORTS LABEL_PREFIX "exposed-ports"

/* nerdc's own: what Docker's inspect shows and nerdctl keeps nowhere. */
#define LABEL_ENTRYPOINT_LEN "nerdc/entrypoint-len"	/* leading args that are Entrypoint */
#define LABEL_OPEN_STDIN "nerdc/open-stdin"		/* "true": created with -i */

/* Docker Compose's labels (nerdctl compose writes them too). */
#define LABEL_COMPOSE_PROJECT "com.docker.compose.project"
#define LABEL_COMPOSE_SERVICE "com.docker.compose.service"

/* containerd client's label for the stop signal (--stop-signal or the image's StopSignal). */
#define LABEL_STOP_SIGNAL "io.containerd.image.config.stop-signal"

/* containerd's restart monitor (runtime/restart in containerd 1.6). */
#define LABEL_RESTART_STATUS "containerd.io/restart.status"
#define LABEL_RESTART_POLICY "containerd.io/restart.policy"
#define LABEL_RESTART_EXPLICITLY_STOPPED "containerd.io/restart.explicitly-stopped"
#define LABEL_RESTART_LOGURI "containerd.io/restart.loguri"
#define LABEL_RESTART_COUNT "containerd.io/restart.count"
