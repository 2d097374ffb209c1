package io.onegate.common.options;

import java.util.Map;

/** One API's option keys and defaults (reference one-api.md §6.2), plus OneGate's additions (marked). */
public final class OptionDefaults {
  private OptionDefaults() {
  }

  public static final Map<String, String> ALL = Map.ofEntries(
      Map.entry("PasswordLoginEnabled", "true"),
      Map.entry("PasswordRegisterEnabled", "true"),
      Map.entry("EmailVerificationEnabled", "false"),
      Map.entry("GitHubOAuthEnabled", "false"),
      Map.entry("OidcEnabled", "false"),
      Map.entry("WeChatAuthEnabled", "false"),
      Map.entry("TurnstileCheckEnabled", "false"),
      Map.entry("RegisterEnabled", "true"),
      Map.entry("AutomaticDisableChannelEnabled", "false"),
      Map.entry("AutomaticEnableChannelEnabled", "false"),
      Map.entry("ChannelDisableThreshold", "5"),
      Map.entry("ApproximateTokenEnabled", "false"),
      Map.entry("LogConsumeEnabled", "true"),
      Map.entry("DisplayInCurrencyEnabled", "true"),
      Map.entry("DisplayTokenStatEnabled", "true"),
      Map.entry("EmailDomainRestrictionEnabled", "false"),
      Map.entry("EmailDomainWhitelist",
          "gmail.com,163.com,126.com,qq.com,outlook.com,hotmail.com,icloud.com,yahoo.com,foxmail.com"),
      Map.entry("SMTPServer", ""),
      Map.entry("SMTPPort", "587"),
      Map.entry("SMTPAccount", ""),
      Map.entry("SMTPFrom", ""),
      Map.entry("SMTPToken", ""),
      Map.entry("Notice", ""),
      Map.entry("About", ""),
      Map.entry("HomePageContent", ""),
      Map.entry("Footer", ""),
      Map.entry("SystemName", "OneGate"),
      Map.entry("Logo", ""),
      Map.entry("ServerAddress", ""),
      Map.entry("TopUpLink", ""),
      Map.entry("ChatLink", ""),
      Map.entry("Theme", "default"),
      Map.entry("MessagePusherAddress", ""),
      Map.entry("MessagePusherToken", ""),
      Map.entry("QuotaForNewUser", "0"),
      Map.entry("QuotaForInviter", "0"),
      Map.entry("QuotaForInvitee", "0"),
      Map.entry("QuotaRemindThreshold", "1000"),
      Map.entry("PreConsumedQuota", "500"),
      Map.entry("ModelRatio", ""),
      Map.entry("GroupRatio", "{\"default\":1,\"vip\":1,\"svip\":1}"),
      Map.entry("CompletionRatio", ""),
      Map.entry("QuotaPerUnit", "500000"),
      Map.entry("RetryTimes", "0"),
      // New API's name: serve models without a price, free, instead of refusing them
      Map.entry("SelfUseModeEnabled", "false"),
      // OneGate additions
      Map.entry("ModelPrice", ""),
      Map.entry("WebhookUrl", ""),
      Map.entry("WebhookSecret", ""),
      // name of an extra header carrying WebhookSecret verbatim (for receivers that check a shared token)
      Map.entry("WebhookSecretHeader", ""));
}
