// The wire contract shared by server/, agent-runner/ and chat-ui/. Imports only zod.
export { PROTOCOL_VERSION } from './version.ts';
export { isStorableText, text, toStorableText } from './text.ts';
export {
  ARIA_ROLES,
  AssertStepSchema,
  ClickStepSchema,
  ExtractStepSchema,
  FillStepSchema,
  GotoStepSchema,
  MAX_PLAN_STEPS,
  MAX_STEP_TIMEOUT_MS,
  PlanStepsSchema,
  PressStepSchema,
  ScreenshotStepSchema,
  SelectStepSchema,
  StepSchema,
  TargetSchema,
  WaitStepSchema,
} from './step.ts';
export type { Step, StepOfType, StepType, Target } from './step.ts';
export { ActStepSchema, AgentStepSchema, DEFAULT_AGENT_ACTIONS, isAiStep, MAX_AGENT_ACTIONS, ObserveStepSchema } from './step.ts';
export {
  CheckStepSchema,
  CloseTabStepSchema,
  HoverStepSchema,
  MAX_SELECTED_OPTIONS,
  MAX_UPLOAD_FILES,
  ScrollStepSchema,
  SwitchTabStepSchema,
  UncheckStepSchema,
  UploadStepSchema,
  WaitForUrlStepSchema,
} from './step.ts';
export {
  AttachmentViewSchema,
  BrowserOptionsSchema,
  DIALOG_TYPES,
  DialogAnswerSchema,
  DialogRecordSchema,
  DownloadViewSchema,
  MAX_SESSION_TTL_DAYS,
  MAX_STORAGE_STATE_LENGTH,
  SessionNameSchema,
  SessionViewSchema,
  StorageStateSchema,
} from './browser.ts';
export type { AttachmentView, BrowserOptions, DialogAnswer, DialogRecord, DownloadView, SessionName, SessionView, StorageState } from './browser.ts';
export { ExtractRuleSchema, ExtractShapeSchema } from './extraction.ts';
export type { ExtractRule, ExtractShape } from './extraction.ts';
export { MAX_RESOLVED_ACTIONS, RESOLUTION_SOURCES, ResolvedActionSchema, StepResolutionSchema } from './resolution.ts';
export type { ResolutionSource, ResolvedAction, StepResolution } from './resolution.ts';
export {
  MAX_MODEL_REQUEST_LENGTH,
  ModelAnswerSchema,
  ModelCallSchema,
  ModelCancelSchema,
  ModelErrorSchema,
  ModelRequestSchema,
  ModelResultSchema,
} from './model-bridge.ts';
export type { BridgedMessage, ModelAnswer, ModelCall, ModelError, ModelRequest, ModelResult } from './model-bridge.ts';
export { describeOutput, describeStep, describeTarget } from './describe-step.ts';
export { formatDuration } from './format-duration.ts';
export { ApiErrorBodySchema, ERROR_CODES, ErrorCodeSchema, ErrorInfoSchema, MAX_ERROR_MESSAGE_LENGTH } from './errors.ts';
export type { ApiErrorBody, ErrorCode, ErrorInfo } from './errors.ts';
export {
  ATTEMPT_STATUSES,
  AttemptViewSchema,
  FINAL_RUN_STATUSES,
  MAX_FULL_PAGE_SCREENSHOT,
  MAX_OUTPUT_DATA_LENGTH,
  MAX_PAGE_SNAPSHOT_LENGTH,
  ObservationSchema,
  MAX_OUTPUT_TEXT_LENGTH,
  MAX_OUTPUT_URL_LENGTH,
  PLAN_SOURCES,
  PLAN_STATUSES,
  PlanViewSchema,
  RUN_STATUSES,
  RunStatusSchema,
  RunViewSchema,
  STEP_STATUSES,
  StepOutputSchema,
  StepStateSchema,
  StepStatusSchema,
} from './run.ts';
export type { AttemptView, PlanStatus, PlanView, RunStatus, RunView, StepOutput, StepState, StepStatus } from './run.ts';
export {
  ASSISTANT_TOOL_NAMES,
  ChatMessagePartSchema,
  ChatMessageSchema,
  ConversationSchema,
  MESSAGE_STATUSES,
  MessageMetadataSchema,
  PlanPartSchema,
  ReasoningPartSchema,
  RunPartSchema,
  TextPartSchema,
  ToolPartSchema,
} from './chat.ts';
export type { AssistantToolName, ChatMessage, ChatMessagePart, Conversation, MessageMetadata, MessageStatus, ToolPart } from './chat.ts';
export { UsageSchema } from './usage.ts';
export type { Usage } from './usage.ts';
export {
  EventAckSchema,
  RunAssignSchema,
  RunCancelSchema,
  RunEndSchema,
  RunnerHeartbeatSchema,
  RunnerHelloSchema,
  RunnerMessageSchema,
  MAX_DOWNLOAD_BYTES,
  RunSettingsSchema,
  SessionStateSchema,
  StepDownloadHeaderSchema,
  ServerErrorSchema,
  ServerToRunnerMessageSchema,
  StepEndSchema,
  StepScreenshotHeaderSchema,
  StepStartSchema,
  WelcomeSchema,
} from './runner-messages.ts';
export type {
  RunAssign,
  RunEnd,
  RunnerHello,
  RunnerMessage,
  RunSettings,
  ServerToRunnerMessage,
  SessionState,
  StepDownloadHeader,
  StepEnd,
  StepScreenshotHeader,
  StepStart,
  Welcome,
} from './runner-messages.ts';
export {
  ConversationDeletedSchema,
  ConversationSnapshotSchema,
  ConversationUpdatedSchema,
  MessageChunkSchema,
  MessageUpsertSchema,
  SubscribeSchema,
  UiClientMessageSchema,
  UiErrorSchema,
  UiHelloSchema,
  UiServerMessageSchema,
  UiWelcomeSchema,
  UnsubscribeSchema,
} from './ui-messages.ts';
export type { ConversationSnapshot, MessageChunk, MessageUpsert, UiClientMessage, UiServerMessage } from './ui-messages.ts';
export { decodeBinaryFrame, encodeBinaryFrame } from './binary-frame.ts';
export type { DecodedBinaryFrame } from './binary-frame.ts';
export {
  ConversationDetailResponseSchema,
  ConversationListQuerySchema,
  ConversationListResponseSchema,
  ConversationResponseSchema,
  CreateConversationBodySchema,
  CreatedRunResponseSchema,
  CreateRunBodySchema,
  DEFAULT_PAGE_SIZE,
  EditPlanBodySchema,
  AttachmentListResponseSchema,
  AttachmentQuerySchema,
  AttachmentResponseSchema,
  MAX_ATTACHMENT_BYTES,
  SessionListResponseSchema,
  SlackLinkCodeResponseSchema,
  MAX_PAGE_SIZE,
  MessagePageQuerySchema,
  MessagePageResponseSchema,
  MessageResponseSchema,
  MessagesResponseSchema,
  PlanResponseSchema,
  PostMessageBodySchema,
  RunDetailResponseSchema,
  RunResponseSchema,
  UpdateConversationBodySchema,
} from './api.ts';
export type {
  ConversationDetailResponse,
  ConversationListQuery,
  ConversationListResponse,
  ConversationResponse,
  CreatedRunResponse,
  CreateRunBody,
  EditPlanBody,
  MessagePageQuery,
  MessagePageResponse,
  MessageResponse,
  MessagesResponse,
  PlanResponse,
  PostMessageBody,
  RunDetailResponse,
  RunResponse,
  SlackLinkCodeResponse,
  UpdateConversationBody,
} from './api.ts';
export { ConfigError, envBoolean, envInt, envVar, parseEnv } from './env-config.ts';
export { commandExamples } from './command-examples.ts';
export type { CommandExample } from './command-examples.ts';
export {
  CreateScheduleBodySchema,
  ScheduleDetailResponseSchema,
  ScheduleListResponseSchema,
  ScheduleResponseSchema,
  ScheduleRunSchema,
  ScheduleSpecSchema,
  ScheduleStatusSchema,
  ScheduleTriggerSchema,
  ScheduleViewSchema,
  ScheduleWebhookPayloadSchema,
  UpdateScheduleBodySchema,
} from './schedules.ts';
export type { CreateScheduleBody, ScheduleRun, ScheduleSpec, ScheduleStatus, ScheduleView, ScheduleWebhookPayload, UpdateScheduleBody } from './schedules.ts';
