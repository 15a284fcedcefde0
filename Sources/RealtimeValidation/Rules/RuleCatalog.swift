import RealtimeRecording

/// Every validation rule, in a stable order.
///
/// A rule is one file, `Rules/<Group>/<RuleName>.swift`: it declares its `RuleInfo` (the typed id the checks pass to
/// `emit`) and, where a check is the rule's alone, the check. The list below is generated from those files
/// (`RECORD_SNAPSHOTS=1 swift test --filter RuleLayoutTests` rewrites it: existing rules keep their place, a new rule
/// goes to the end of its group), and `docs/rules.md` is generated from the list (`rtscope rules --markdown`); tests
/// keep both in sync. Sources cite `../shared/docs/realtime-protocol.md` (§ = section, inv. = invariant number in §5).
public enum RuleCatalog {
    /// The groups, in catalog order (the folder names under `Rules/`).
    static let groups = [
        "Identity", "Lifecycle", "Accumulation", "Conversation", "Correlation", "Numbers", "Recording", "Transport",
        "Reader",
    ]

    // BEGIN GENERATED RULE LIST
    public static let all: [RuleInfo] = [
        .eventNotJSONObject,
        .duplicateKey,
        .unknownEventType,
        .requiredFieldMissing,
        .fieldTypeMismatch,
        .fieldValueNotAllowed,
        .serverEventIDMissing,
        .serverEventIDDuplicate,
        .clientEventIDInvalid,
        .sessionCreatedFirst,
        .sessionCreatedOnce,
        .dialectMixed,
        .responseEventOutsideLifecycle,
        .responseNotDone,
        .responseStatusInvalid,
        .responseOverlap,
        .outputIndexSequence,
        .outputItemNotClosed,
        .responseOutputMismatch,
        .contentIndexSequence,
        .streamOrder,
        .deltaFamilyMismatch,
        .itemNotInConversation,
        .outputItemStatus,
        .responseFailed,
        .textAccumulation,
        .transcriptAccumulation,
        .audioSampleAlignment,
        .argumentsAccumulation,
        .argumentsNotJSON,
        .inputTranscriptAccumulation,
        .previousItemUnknown,
        .itemReferenceUnknown,
        .functionOutputUnknownCall,
        .functionOutputWithoutResponse,
        .truncateTargetInvalid,
        .truncateBeyondAudio,
        .vadIDMismatch,
        .vadWithoutTurnDetection,
        .clientEventUnanswered,
        .itemAckIDMismatch,
        .responseCreateWhileActive,
        .cancelUnresolved,
        .serverError,
        .sessionUpdateNotReflected,
        .usageArithmetic,
        .rateLimitsInvalid,
        .sessionUpdateOutOfRange,
        .handshakeRefused,
        .recordingEmpty,
        .transportError,
        .readerInvalidJSON,
        .readerTruncatedLine,
        .readerNotAFrame,
        .readerLineTooLong,
        .readerHeader,
    ]
    // END GENERATED RULE LIST

    // BEGIN GENERATED CHECK LIST
    static let checks: [RuleCheck] = [
        .sessionUpdateOutOfRange,
        .rateLimitsInvalid,
    ]
    // END GENERATED CHECK LIST

    /// The rule with this id.
    public static func info(_ id: String) -> RuleInfo? { byID[id] }

    static let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
}
