/**
 * Every message a person may read on a B2C page. Plain text: values are inserted exactly as
 * received, never interpreted as markup. tests/unit/i18n.test.ts fails when a language lacks
 * a message or a placeholder.
 */
export const LANGUAGES = ['en', 'fr', 'es', 'de', 'it', 'pt', 'nl', 'ja', 'zh-Hans', 'ko'] as const;
export type Language = (typeof LANGUAGES)[number];

export type MessageKey =
  | 'notAssociated'
  | 'suspended'
  | 'suspendedSignUp'
  | 'unavailable'
  | 'profileUnavailable'
  | 'tooManyAttempts'
  | 'badRequest'
  | 'internal';

type Catalogue = Record<MessageKey, string>;

export const MESSAGES: Record<Language, Catalogue> = {
  en: {
    notAssociated: "Loyalty ID '{loyaltyId}' is not associated with '{email}' email address.",
    suspended: "Loyalty ID '{loyaltyId}' is suspended. Please contact customer support.",
    suspendedSignUp:
      'Your loyalty membership is suspended, so you cannot sign up right now. Please contact customer support.',
    unavailable: "We can't check your loyalty ID right now. Please try again in a moment.",
    profileUnavailable: "We can't load your profile right now. Please try again in a moment.",
    tooManyAttempts: 'Too many attempts. Please wait a few minutes and try again.',
    badRequest: 'Your request could not be processed. Please try again.',
    internal: 'Something went wrong on our side. Please try again later.',
  },
  fr: {
    notAssociated:
      "L'identifiant de fidélité '{loyaltyId}' n'est pas associé à l'adresse e-mail '{email}'.",
    suspended:
      "L'identifiant de fidélité '{loyaltyId}' est suspendu. Veuillez contacter le service client.",
    suspendedSignUp:
      "Votre adhésion au programme de fidélité est suspendue : vous ne pouvez pas vous inscrire pour l'instant. Veuillez contacter le service client.",
    unavailable:
      'Nous ne pouvons pas vérifier votre identifiant de fidélité pour le moment. Veuillez réessayer dans un instant.',
    profileUnavailable:
      'Nous ne pouvons pas charger votre profil pour le moment. Veuillez réessayer dans un instant.',
    tooManyAttempts: 'Trop de tentatives. Veuillez patienter quelques minutes et réessayer.',
    badRequest: "Votre demande n'a pas pu être traitée. Veuillez réessayer.",
    internal: 'Un problème est survenu de notre côté. Veuillez réessayer plus tard.',
  },
  es: {
    notAssociated:
      "El ID de fidelidad '{loyaltyId}' no está asociado a la dirección de correo electrónico '{email}'.",
    suspended:
      "El ID de fidelidad '{loyaltyId}' está suspendido. Póngase en contacto con atención al cliente.",
    suspendedSignUp:
      'Su membresía del programa de fidelidad está suspendida, por lo que no puede registrarse ahora. Póngase en contacto con atención al cliente.',
    unavailable:
      'No podemos comprobar su ID de fidelidad en este momento. Vuelva a intentarlo en unos instantes.',
    profileUnavailable:
      'No podemos cargar su perfil en este momento. Vuelva a intentarlo en unos instantes.',
    tooManyAttempts: 'Demasiados intentos. Espere unos minutos y vuelva a intentarlo.',
    badRequest: 'No se pudo procesar su solicitud. Vuelva a intentarlo.',
    internal: 'Algo salió mal por nuestra parte. Vuelva a intentarlo más tarde.',
  },
  de: {
    notAssociated:
      "Die Treue-ID '{loyaltyId}' ist nicht mit der E-Mail-Adresse '{email}' verknüpft.",
    suspended:
      "Die Treue-ID '{loyaltyId}' ist gesperrt. Bitte wenden Sie sich an den Kundendienst.",
    suspendedSignUp:
      'Ihre Treuemitgliedschaft ist gesperrt, daher können Sie sich derzeit nicht registrieren. Bitte wenden Sie sich an den Kundendienst.',
    unavailable:
      'Wir können Ihre Treue-ID gerade nicht prüfen. Bitte versuchen Sie es gleich noch einmal.',
    profileUnavailable:
      'Wir können Ihr Profil gerade nicht laden. Bitte versuchen Sie es gleich noch einmal.',
    tooManyAttempts:
      'Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.',
    badRequest: 'Ihre Anfrage konnte nicht verarbeitet werden. Bitte versuchen Sie es erneut.',
    internal: 'Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut.',
  },
  it: {
    notAssociated: "L'ID fedeltà '{loyaltyId}' non è associato all'indirizzo e-mail '{email}'.",
    suspended: "L'ID fedeltà '{loyaltyId}' è sospeso. Contatta l'assistenza clienti.",
    suspendedSignUp:
      "La tua iscrizione al programma fedeltà è sospesa, quindi al momento non puoi registrarti. Contatta l'assistenza clienti.",
    unavailable:
      'Al momento non possiamo verificare il tuo ID fedeltà. Riprova tra qualche istante.',
    profileUnavailable:
      'Al momento non possiamo caricare il tuo profilo. Riprova tra qualche istante.',
    tooManyAttempts: 'Troppi tentativi. Attendi qualche minuto e riprova.',
    badRequest: 'Non è stato possibile elaborare la richiesta. Riprova.',
    internal: 'Si è verificato un problema da parte nostra. Riprova più tardi.',
  },
  pt: {
    notAssociated:
      "O ID de fidelidade '{loyaltyId}' não está associado ao endereço de e-mail '{email}'.",
    suspended:
      "O ID de fidelidade '{loyaltyId}' está suspenso. Entre em contato com o atendimento ao cliente.",
    suspendedSignUp:
      'Sua associação ao programa de fidelidade está suspensa, por isso não é possível se cadastrar agora. Entre em contato com o atendimento ao cliente.',
    unavailable:
      'Não podemos verificar seu ID de fidelidade agora. Tente novamente em alguns instantes.',
    profileUnavailable:
      'Não podemos carregar seu perfil agora. Tente novamente em alguns instantes.',
    tooManyAttempts: 'Muitas tentativas. Aguarde alguns minutos e tente novamente.',
    badRequest: 'Não foi possível processar sua solicitação. Tente novamente.',
    internal: 'Algo deu errado do nosso lado. Tente novamente mais tarde.',
  },
  nl: {
    notAssociated: "Loyaliteits-ID '{loyaltyId}' is niet gekoppeld aan het e-mailadres '{email}'.",
    suspended: "Loyaliteits-ID '{loyaltyId}' is opgeschort. Neem contact op met de klantenservice.",
    suspendedSignUp:
      'Uw loyaliteitslidmaatschap is opgeschort, daarom kunt u zich nu niet registreren. Neem contact op met de klantenservice.',
    unavailable:
      'We kunnen uw loyaliteits-ID op dit moment niet controleren. Probeer het zo meteen opnieuw.',
    profileUnavailable:
      'We kunnen uw profiel op dit moment niet laden. Probeer het zo meteen opnieuw.',
    tooManyAttempts: 'Te veel pogingen. Wacht een paar minuten en probeer het opnieuw.',
    badRequest: 'Uw aanvraag kon niet worden verwerkt. Probeer het opnieuw.',
    internal: 'Er is aan onze kant iets misgegaan. Probeer het later opnieuw.',
  },
  ja: {
    notAssociated:
      "ロイヤルティ ID '{loyaltyId}' はメール アドレス '{email}' に関連付けられていません。",
    suspended:
      "ロイヤルティ ID '{loyaltyId}' は停止されています。カスタマー サポートにお問い合わせください。",
    suspendedSignUp:
      'ロイヤルティ会員資格が停止されているため、現在サインアップできません。カスタマー サポートにお問い合わせください。',
    unavailable: '現在、ロイヤルティ ID を確認できません。しばらくしてからもう一度お試しください。',
    profileUnavailable:
      '現在、プロファイルを読み込めません。しばらくしてからもう一度お試しください。',
    tooManyAttempts: '試行回数が多すぎます。数分待ってからもう一度お試しください。',
    badRequest: '要求を処理できませんでした。もう一度お試しください。',
    internal: 'こちら側で問題が発生しました。後でもう一度お試しください。',
  },
  'zh-Hans': {
    notAssociated: "会员 ID '{loyaltyId}' 未与电子邮件地址 '{email}' 关联。",
    suspended: "会员 ID '{loyaltyId}' 已被暂停。请联系客户支持。",
    suspendedSignUp: '你的会员资格已被暂停，目前无法注册。请联系客户支持。',
    unavailable: '我们目前无法验证你的会员 ID。请稍后重试。',
    profileUnavailable: '我们目前无法加载你的个人资料。请稍后重试。',
    tooManyAttempts: '尝试次数过多。请等待几分钟后重试。',
    badRequest: '无法处理你的请求。请重试。',
    internal: '我们这边出现了问题。请稍后重试。',
  },
  ko: {
    notAssociated:
      "멤버십 ID '{loyaltyId}'은(는) 전자 메일 주소 '{email}'에 연결되어 있지 않습니다.",
    suspended: "멤버십 ID '{loyaltyId}'이(가) 정지되었습니다. 고객 지원팀에 문의하세요.",
    suspendedSignUp: '멤버십이 정지되어 지금은 가입할 수 없습니다. 고객 지원팀에 문의하세요.',
    unavailable: '지금은 멤버십 ID를 확인할 수 없습니다. 잠시 후 다시 시도하세요.',
    profileUnavailable: '지금은 프로필을 불러올 수 없습니다. 잠시 후 다시 시도하세요.',
    tooManyAttempts: '시도 횟수가 너무 많습니다. 몇 분 후에 다시 시도하세요.',
    badRequest: '요청을 처리할 수 없습니다. 다시 시도하세요.',
    internal: '시스템에 문제가 발생했습니다. 나중에 다시 시도하세요.',
  },
};

/**
 * The message in one language, with `{name}` placeholders replaced by the values given, as
 * plain text. A value is inserted once and never scanned for placeholders itself.
 */
export function message(
  language: Language,
  key: MessageKey,
  values: Readonly<Record<string, string>> = {},
): string {
  return MESSAGES[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? (values[name] ?? whole) : whole,
  );
}
