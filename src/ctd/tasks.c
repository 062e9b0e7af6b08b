/* Tasks service wrappers: one unary call each, requests built on the stack. */
#include <string.h>

#include "ctd/tasks.h"
#include "google/protobuf/empty.pb-c.h"
#include "base/strv.h"
#include "base/banned.h"

#define TASKS_METHOD(m) "/containerd.services.tasks.v1.Tasks/" m
#define REQ(T, name) Containerd__Services__Tasks__V1__##T name
#define RESP_DESC(t) containerd__services__tasks__v1__##t##__descriptor

/* Calls a method whose reply is google.protobuf.Empty. */
static int
call_empty(struct ctd *c, const char *method, const ProtobufCMessage *req, struct err **errp)
{
	_cleanup_ctd_msg_ ProtobufCMessage *resp = NULL;

	return ctd_call(c, method, req, &google__protobuf__empty__descriptor, &resp, errp);
}

int
ctd_tasks_create(struct ctd *c, const char *id, CtdMount *const *rootfs, size_t n,
		 const struct ctd_task_io *io, uint32_t *ret_pid, struct err **errp)
{
	REQ(CreateTaskRequest, req) = CONTAINERD__SERVICES__TASKS__V1__CREATE_TASK_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Tasks__V1__CreateTaskResponse *resp = NULL;

	req.container_id = (char *)id;
	req.n_rootfs = n;
	req.rootfs = (CtdMount **)rootfs;
	if (io) {
		req.stdin = (char *)(io->stdin_path ? io->stdin_path : "");
		req.stdout = (char *)(io->stdout_path ? io->stdout_path : "");
		req.stderr = (char *)(io->stderr_path ? io->stderr_path : "");
		req.terminal = io->terminal;
	}
	if (ctd_call(c, TASKS_METHOD("Create"), &req.base, &RESP_DESC(create_task_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret_pid)
		*ret_pid = resp->pid;
	return 0;
}

int
ctd_tasks_start(struct ctd *c, const char *id, const char *exec_id, uint32_t *ret_pid,
		struct err **errp)
{
	REQ(StartRequest, req) = CONTAINERD__SERVICES__TASKS__V1__START_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Tasks__V1__StartResponse *resp = NULL;

	req.container_id = (char *)id;
	req.exec_id = (char *)(exec_id ? exec_id : "");
	if (ctd_call(c, TASKS_METHOD("Start"), &req.base, &RESP_DESC(start_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (ret_pid)
		*ret_pid = resp->pid;
	return 0;
}

int
ctd_tasks_delete(struct ctd *c, const char *id, const char *exec_id, uint32_t *ret_status,
		 struct err **errp)
{
	_cleanup_ctd_msg_ Containerd__Services__Tasks__V1__DeleteResponse *resp = NULL;
	int r;

	if (exec_id && *exec_id) {
		REQ(DeleteProcessRequest, req) =
			CONTAINERD__SERVICES__TASKS__V1__DELETE_PROCESS_REQUEST__INIT;

		req.container_id = (char *)id;
		req.exec_id = (char *)exec_id;
		r = ctd_call(c, TASKS_METHOD("DeleteProcess"), &req.base,
			     &RESP_DESC(delete_response), (ProtobufCMessage **)&resp, errp);
	} else {
		REQ(DeleteTaskRequest, req) =
			CONTAINERD__SERVICES__TASKS__V1__DELETE_TASK_REQUEST__INIT;

		req.container_id = (char *)id;
		r = ctd_call(c, TASKS_METHOD("Delete"), &req.base, &RESP_DESC(delete_response),
			     (ProtobufCMessage **)&resp, errp);
	}
	if (r < 0)
		return -1;
	if (ret_status)
		*ret_status = resp->exit_status;
	return 0;
}

int
ctd_tasks_get(struct ctd *c, const char *id, const char *exec_id, CtdProcess **ret,
	      struct err **errp)
{
	REQ(GetRequest, req) = CONTAINERD__SERVICES__TASKS__V1__GET_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Tasks__V1__GetResponse *resp = NULL;

	req.container_id = (char *)id;
	req.exec_id = (char *)(exec_id ? exec_id : "");
	if (ctd_call(c, TASKS_METHOD("Get"), &req.base, &RESP_DESC(get_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	if (!resp->process)
		return err_set(errp, ERR_NOT_FOUND, "task %s: not found", id);
	*ret = TAKE_PTR(resp->process);
	return 0;
}

int
ctd_tasks_list(struct ctd *c, const char *filter, CtdTaskList **ret, struct err **errp)
{
	REQ(ListTasksRequest, req) = CONTAINERD__SERVICES__TASKS__V1__LIST_TASKS_REQUEST__INIT;

	req.filter = (char *)(filter ? filter : "");
	return ctd_call(c, TASKS_METHOD("List"), &req.base, &RESP_DESC(list_tasks_response),
			(ProtobufCMessage **)ret, errp);
}

int
ctd_tasks_kill(struct ctd *c, const char *id, const char *exec_id, uint32_t sig, bool all,
	       struct err **errp)
{
	REQ(KillRequest, req) = CONTAINERD__SERVICES__TASKS__V1__KILL_REQUEST__INIT;

	req.container_id = (char *)id;
	req.exec_id = (char *)(exec_id ? exec_id : "");
	req.signal = sig;
	req.all = all;
	return call_empty(c, TASKS_METHOD("Kill"), &req.base, errp);
}

int
ctd_tasks_exec(struct ctd *c, const char *id, const char *exec_id, const struct ctd_task_io *io,
	       const char *spec_json, size_t len, struct err **errp)
{
	REQ(ExecProcessRequest, req) = CONTAINERD__SERVICES__TASKS__V1__EXEC_PROCESS_REQUEST__INIT;
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;

	any.type_url = (char *)CTD_TYPEURL_PROCESS;
	any.value.data = (uint8_t *)spec_json;
	any.value.len = len;
	req.container_id = (char *)id;
	req.exec_id = (char *)exec_id;
	req.spec = &any;
	if (io) {
		req.stdin = (char *)(io->stdin_path ? io->stdin_path : "");
		req.stdout = (char *)(io->stdout_path ? io->stdout_path : "");
		req.stderr = (char *)(io->stderr_path ? io->stderr_path : "");
		req.terminal = io->terminal;
	}
	return call_empty(c, TASKS_METHOD("Exec"), &req.base, errp);
}

int
ctd_tasks_resize_pty(struct ctd *c, const char *id, const char *exec_id, uint32_t width,
		     uint32_t height, struct err **errp)
{
	REQ(ResizePtyRequest, req) = CONTAINERD__SERVICES__TASKS__V1__RESIZE_PTY_REQUEST__INIT;

	req.container_id = (char *)id;
	req.exec_id = (char *)(exec_id ? exec_id : "");
	req.width = width;
	req.height = height;
	return call_empty(c, TASKS_METHOD("ResizePty"), &req.base, errp);
}

int
ctd_tasks_close_io(struct ctd *c, const char *id, const char *exec_id, struct err **errp)
{
	REQ(CloseIORequest, req) = CONTAINERD__SERVICES__TASKS__V1__CLOSE_IOREQUEST__INIT;

	req.container_id = (char *)id;
	req.exec_id = (char *)(exec_id ? exec_id : "");
	req.stdin = true;
	return call_empty(c, TASKS_METHOD("CloseIO"), &req.base, errp);
}

int
ctd_tasks_pause(struct ctd *c, const char *id, struct err **errp)
{
	REQ(PauseTaskRequest, req) = CONTAINERD__SERVICES__TASKS__V1__PAUSE_TASK_REQUEST__INIT;

	req.container_id = (char *)id;
	return call_empty(c, TASKS_METHOD("Pause"), &req.base, errp);
}

int
ctd_tasks_resume(struct ctd *c, const char *id, struct err **errp)
{
	REQ(ResumeTaskRequest, req) = CONTAINERD__SERVICES__TASKS__V1__RESUME_TASK_REQUEST__INIT;

	req.container_id = (char *)id;
	return call_empty(c, TASKS_METHOD("Resume"), &req.base, errp);
}

int
ctd_tasks_list_pids(struct ctd *c, const char *id, CtdPidList **ret, struct err **errp)
{
	REQ(ListPidsRequest, req) = CONTAINERD__SERVICES__TASKS__V1__LIST_PIDS_REQUEST__INIT;

	req.container_id = (char *)id;
	return ctd_call(c, TASKS_METHOD("ListPids"), &req.base, &RESP_DESC(list_pids_response),
			(ProtobufCMessage **)ret, errp);
}

int
ctd_tasks_update(struct ctd *c, const char *id, const char *resources_json, size_t len,
		 struct err **errp)
{
	REQ(UpdateTaskRequest, req) = CONTAINERD__SERVICES__TASKS__V1__UPDATE_TASK_REQUEST__INIT;
	Google__Protobuf__Any any = GOOGLE__PROTOBUF__ANY__INIT;

	any.type_url = (char *)CTD_TYPEURL_RESOURCES;
	any.value.data = (uint8_t *)resources_json;
	any.value.len = len;
	req.container_id = (char *)id;
	req.resources = &any;
	return call_empty(c, TASKS_METHOD("Update"), &req.base, errp);
}

int
ctd_tasks_metrics(struct ctd *c, char *const *filters, CtdMetricsList **ret, struct err **errp)
{
	REQ(MetricsRequest, req) = CONTAINERD__SERVICES__TASKS__V1__METRICS_REQUEST__INIT;

	req.n_filters = filters ? strv_length(filters) : 0;
	req.filters = (char **)filters;
	return ctd_call(c, TASKS_METHOD("Metrics"), &req.base, &RESP_DESC(metrics_response),
			(ProtobufCMessage **)ret, errp);
}

int
ctd_tasks_wait(struct ctd *c, const char *id, const char *exec_id, uint32_t *ret_status,
	       int64_t *ret_exited_at, struct err **errp)
{
	REQ(WaitRequest, req) = CONTAINERD__SERVICES__TASKS__V1__WAIT_REQUEST__INIT;
	_cleanup_ctd_msg_ Containerd__Services__Tasks__V1__WaitResponse *resp = NULL;

	req.container_id = (char *)id;
	req.exec_id = (char *)(exec_id ? exec_id : "");
	if (ctd_call(c, TASKS_METHOD("Wait"), &req.base, &RESP_DESC(wait_response),
		     (ProtobufCMessage **)&resp, errp) < 0)
		return -1;
	*ret_status = resp->exit_status;
	if (ret_exited_at)
		*ret_exited_at = resp->exited_at ? resp->exited_at->seconds : 0;
	return 0;
}
