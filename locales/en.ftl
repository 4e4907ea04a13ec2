# Sahifa — English catalogue (secondary locale).
# Same keys as ar.ftl. Plain strings only: no bidi isolation characters.

## Site chrome

site-default-tagline = News and analysis around the clock
nav-home = Home
main-menu = Main menu
skip-to-content = Skip to content
search = Search
search-placeholder = Search the site
search-submit = Search
rss-feed = RSS feed
opens-new-window = opens in a new window
footer-rights = © { $year } { $site }. All rights reserved.
footer-rights-noyear = © { $site }. All rights reserved.
back-to-top = Back to top
back-home = Back to the home page

## Home page

latest-news = Latest news
lead-story = Lead story
read-more = Read more
more-in-category = More from { $name }

## Article page

by-author = By
in-category = in
published-on = Published
updated-on = Updated
hijri-label = corresponding to
# $count: the raw number (plural selection); $minutes: the same number already formatted for display.
reading-time =
    { $count ->
        [zero] Less than a minute read
        [one] { $minutes } minute read
       *[other] { $minutes } minute read
    }
image-caption = Image caption
source-credit = Source: { $source }
preview-banner = Preview: this page is not published and readers cannot see it.
embed-provider-youtube = YouTube
embed-provider-x = X (formerly Twitter)
embed-provider-telegram = Telegram
embed-provider-instagram = Instagram
embed-provider-facebook = Facebook
embed-provider-soundcloud = SoundCloud
embed-load = Click to show the content from { $provider }
embed-privacy = Nothing is loaded from { $provider } until you click; its privacy policy applies from then on.
embed-frame-title = Content embedded from { $provider }
tags = Tags
share-article = Share this article
share-telegram = Telegram
share-whatsapp = WhatsApp
share-x = X
share-facebook = Facebook
share-copy = Copy link
share-copied = Link copied
follow-telegram = Follow { $site } on Telegram
related-articles = Related articles
comments = Comments

## Archives

category-archive = Section: { $name }
tag-archive = Tag: { $name }
date-archive = Archive: { $name }
author-archive = Articles by { $name }
no-articles = There are no articles here yet.

## Pagination

pagination = Pagination
page-prev = Previous page
page-next = Next page
page-n = Page { $n }
page-of = Page { $current } of { $total }

## Errors

error-400-title = Bad request
error-400-message = The request could not be understood. Check the link and try again.
error-403-title = Access denied
error-403-message = You do not have permission to view this page.
error-404-title = Page not found
error-404-message = Sorry, we could not find the page you are looking for. It may have been moved or deleted.
error-405-title = Method not allowed
error-405-message = This page does not accept this kind of request.
error-500-title = Server error
error-500-message = Something went wrong on our side. Please try again in a moment.
error-409-title = Save conflict
error-422-title = Invalid input
error-429-title = Too many attempts
error-429-message = You sent many requests in a short time. Wait a moment and try again.
error-conflict = This request collides with another change that was just saved. Reload the page and try again.
error-unknown-reference = This field refers to something that does not exist.
admin-error-edited-meanwhile = Someone else edited this article after you opened it. Your change was not saved so theirs is not lost; open the article again and redo your change.
admin-error-article-slug-taken = Another article already uses this slug.
admin-error-slug-needed = The headline cannot make a slug; type a slug with letters or digits.
admin-error-tag-invalid = A tag has no letters or digits; remove it or type it again.

## JSON API errors
api-bad-paging = Invalid paging: page and per_page must be positive integers (per_page at most 100).
api-not-found = Nothing exists at this address.
api-search-unavailable = Search is not available right now. Try again in a moment.

## Distribution

telegram-read-more = Read more
feed-rss = RSS feed
feed-atom = Atom feed
feed-json = JSON feed
feed-archive-title = { $site }: { $name }
feed-description = The latest news from { $site }
admin-telegram-title = Telegram channel posting
admin-telegram-settings = Settings
admin-telegram-enabled = Post new articles to the channel
admin-telegram-token = Bot token
admin-telegram-token-current = Stored token: { $masked }
admin-telegram-token-none = No token stored yet.
admin-telegram-token-help = Leave empty to keep the current token. A saved token is never shown in full again.
admin-telegram-token-clear = Remove the stored token
admin-telegram-channel = Channel (@name or numeric id)
admin-telegram-template = Message template
admin-telegram-template-help = Placeholders: {"{title}"} headline, {"{lead}"} lead, {"{link}"} short link, {"{site}"} site name, {"{category}"} section. Telegram's HTML tags are allowed.
admin-telegram-excluded = Sections not posted to the channel
admin-telegram-edit-updates = Edit the channel message when a published article is edited
admin-telegram-from-env = Set by the server's environment
admin-telegram-api-base = Bot API address: { $url }
admin-telegram-save = Save settings
admin-telegram-saved = Settings saved.
admin-telegram-invalid-token = The bot token is not valid.
admin-telegram-invalid-channel = The channel is not valid: use @name or a numeric id.
admin-telegram-deliveries = Deliveries
admin-telegram-col-article = Article
admin-telegram-col-kind = Kind
admin-telegram-col-status = Status
admin-telegram-col-attempts = Attempts
admin-telegram-col-updated = Last change
admin-telegram-col-error = Reason
admin-telegram-kind-post = Post
admin-telegram-kind-edit = Edit
admin-telegram-status-pending = Waiting
admin-telegram-status-sending = Sending
admin-telegram-status-sent = Sent
admin-telegram-status-failed = Failed
admin-telegram-status-skipped = Skipped
admin-telegram-retry = Retry
admin-telegram-retried = The delivery is queued again.
admin-telegram-no-deliveries = No deliveries yet.
admin-telegram-deleted-article = (deleted article)
admin-telegram-forbidden = You may not change the Telegram settings.

## Newsroom admin
admin-brand = Newsroom
admin-logout = Log out
admin-view-site = View site
admin-nav-label = Admin menu
admin-nav-dashboard = Dashboard
admin-nav-articles = Articles
admin-nav-new-article = New article
admin-nav-media = Media
admin-nav-categories = Categories
admin-nav-tags = Tags
admin-nav-users = Users
admin-nav-settings = Settings
admin-nav-audit = Audit trail
admin-nav-tokens = API tokens
role-administrator = Administrator
role-editor = Editor
role-author = Author
role-contributor = Contributor
admin-login-title = Log in
admin-field-email = Email
admin-field-password = Password
admin-login-submit = Log in
admin-login-failed = Wrong email or password.
admin-login-throttled = Too many failed attempts. Please wait { $minutes } minutes and try again.
admin-status-draft = Draft
admin-status-pending = Pending review
admin-status-scheduled = Scheduled
admin-status-published = Published
admin-latest-published = Latest published
admin-field-title = Title
admin-field-status = Status
admin-field-category = Category
admin-field-owner = Owner
admin-field-updated = Last edited
admin-field-author = Byline
admin-field-lead = Lead
admin-field-dateline = Dateline
admin-field-source = Agency or source
admin-field-body = Body
admin-field-tags = Tags
admin-field-image = Featured image
admin-field-slug = Slug
admin-field-publish-at = Publication time
admin-field-publish-time = Publication hour
admin-field-when = Date
admin-field-who = By
admin-field-name = Name
admin-field-role = Role
admin-field-active = Account active
admin-field-alt = Alternative text
editor-toolbar = Formatting
editor-paragraph = Paragraph
editor-h2 = Subheading
editor-h3 = Smaller heading
editor-h4 = Third-level heading
editor-bold = Bold (Ctrl+B)
editor-italic = Italic (Ctrl+I)
editor-link = Link (Ctrl+K)
editor-ul = Bulleted list
editor-ol = Numbered list
editor-quote = Quote
editor-pullquote = Pull quote
editor-image = Image
editor-embed = Embed (YouTube, X, Telegram…)
editor-table = Table
editor-hr = Separator
editor-undo = Undo (Ctrl+Z)
editor-redo = Redo (Ctrl+Y)
editor-source = Show HTML
editor-link-url = Link address
editor-insert = Insert
editor-cancel = Cancel
editor-remove-link = Remove link
editor-embed-url = Post or video link
editor-embed-hint = YouTube, X (Twitter), Telegram, Instagram, Facebook video, SoundCloud.
editor-embed-unknown = This link is not from a known provider; it was inserted as a plain link.
editor-upload = Upload an image from your device
editor-upload-hint = Or drag and drop an image into the body, or paste it.
editor-library = Or choose from the media library
editor-library-empty = No images in the library yet.
editor-alt = Image description for those who cannot see it
editor-caption = Caption
editor-credit = Credit
editor-uploading = Uploading the image…
editor-upload-failed = The image could not be uploaded: { $reason }
editor-paste-failed = The pasted text could not be cleaned; it was pasted as plain text.
editor-unsaved = You have unsaved changes.
editor-autosave-failed = Autosave failed; it will try again.
editor-table-header = Heading
editor-schedule-at = When scheduled, the article goes out { $when }
editor-schedule-none = Choose a day and time to schedule.
editor-image-edit = Edit image
admin-field-caption = Caption
admin-lock-held = { $name } is editing this article now. If you save over their changes, one of you may lose work.
admin-lock-take-over = Take over
admin-autosave-offer = You have an autosaved copy from { $when }, newer than the saved article.
admin-autosave-restore = Restore it
admin-autosave-discard = Discard it
admin-schedule-legend = Publication time
admin-publish-now = Publish now
admin-schedule = Schedule
admin-save-draft = Save as draft
admin-update-published = Update
admin-unpublish = Take off the site
admin-opens-new-tab = (opens in a new tab)
admin-preview-link = A private preview link for people without an account, valid until { $until }:
admin-preview-link-label = Private preview link
admin-field-credit = Credit
admin-credit-placeholder = e.g. Reuters
admin-media-url = Image URL:
admin-error-credit-too-long = The credit is longer than 200 characters.
admin-autosaved-at = Your draft was saved automatically at { $time }
admin-lock-taken = { $name } has taken over this article; your autosave has stopped, and a save now may be refused if they changed it after you.
admin-field-description = Description
admin-field-parent = Parent category
admin-field-position = Position
admin-view = View
admin-dashboard-title = Dashboard
admin-pending-comments = Comments awaiting moderation
admin-none = Nothing here yet.
admin-articles-title = Articles
admin-all = All
admin-search-title = Search titles
admin-filter = Filter
admin-edit-article-title = Edit article
admin-new-article-title = New article
admin-revisions-title = Revisions
admin-error-fix-below = The article was not saved. Fix the fields marked below.
admin-dateline-placeholder = e.g. Tehran - Middle East News
admin-source-placeholder = e.g. IRNA
admin-markdown-hint = Write in Markdown: a blank line between paragraphs, ## for a subheading, > for a quote.
admin-body-html-hint = The body is HTML: <p> for a paragraph, <h2> for a subheading, <strong> for bold, <a href="…"> for a link. Text without tags becomes paragraphs split by a blank line, and a YouTube, X or Telegram link alone on a line becomes an embed. Anything else is removed on save.
admin-preview = Preview
admin-tags-hint = Separate tags with commas; new tags are created automatically.
admin-no-image = No image
admin-upload-link = Upload a new image
admin-slug-hint = Leave empty to derive it from the title. Changing it redirects the old link to the new one.
admin-timezone-hint = In the site's time zone. Required for scheduled articles.
admin-save = Save
admin-submit-review = Submit for review
admin-delete = Delete
admin-diff-old = Older
admin-diff-new = Newer
admin-restore = Restore
admin-compare = Compare the two revisions
admin-diff-title = Difference between two revisions
admin-revision-number = Number
admin-revision-n = Revision { $n }
admin-diff-legend = In the text below:
admin-diff-deleted = deleted
admin-diff-inserted = inserted
admin-unchanged = (unchanged)
admin-profile-title = My account
admin-sessions = Open sessions
admin-last-seen = Last active
admin-browser = Browser
admin-this-session = this session
admin-logout-others = Log out other sessions
admin-notice-saved = Changes saved.
admin-notice-deleted = Deleted.
admin-notice-published = Article published.
admin-notice-submitted = Article submitted for review.
admin-notice-restored = Revision restored.
admin-notice-logged-out-others = Other sessions were closed.
admin-notice-created = Created.
admin-notice-revoked = Token revoked.
admin-notice-uploaded = Image uploaded.
admin-notice-password-changed = Password changed.
admin-error-title-required = A title is required.
admin-error-title-too-long = The title is longer than 300 characters.
admin-error-slug-invalid = This cannot be a link: use letters or digits.
admin-error-date-invalid = The date or time is not valid.
admin-error-schedule-needs-date = Set a publication time for a scheduled article.
admin-error-schedule-in-past = A scheduled publication time must be in the future.
admin-error-unknown-category = The chosen category does not exist.
admin-error-unknown-author = The chosen byline does not exist.
admin-error-unknown-media = The chosen image does not exist.
password-too-short = The password is too short: at least ten characters.
password-too-long = The password is too long.
admin-error-not-saved = The article could not be saved with these values.
api-forbidden = You are not allowed to do this.
api-unauthorized = A valid API token is required in the Authorization: Bearer header.
api-bad-request = The request is not valid.
api-bad-json = The request's JSON is malformed or has unknown fields.
api-body-two-formats = Send the body once: either body (Markdown) or body_html (HTML), not both.

## Search
search-title = Search
search-filters = Filter results
search-category = Section
search-all-categories = All sections
search-from = From
search-to = To
search-sort = Order
search-sort-relevance = Most relevant
search-sort-newest = Newest
search-apply = Apply
search-no-query = Type one or more words to search the site's articles.
search-phrase-hint = Put a phrase in double quotes to find it exactly, e.g. "oil prices".
search-no-results = No results for “{ $q }”.
search-no-results-hint = Try other or fewer words, widen the dates, or choose all sections.
search-partial-note = No results match every word; these are the closest.
search-did-you-mean = Did you mean
search-did-you-mean-end = ?
search-unavailable = Search is not available right now. Please try again shortly.
# $count: the raw number (plural selection); $total: the same number formatted for display.
search-results-count =
    { $count ->
        [one] One result
       *[other] { $total } results
    }

## Newsroom admin pages
admin-create = Create
admin-rename = Rename
admin-revoke = Revoke
admin-never = Never
admin-you = you
admin-field-created = Created
admin-field-byline = Byline
admin-articles-count = Articles
admin-error-not-saved-fix = Nothing was saved. Fix the fields marked below.
admin-error-name-required = A name is required.
admin-error-name-too-long = The name is longer than 100 characters.
admin-error-description-too-long = The description is longer than 500 characters.
admin-error-position-invalid = The position must be a whole number.
admin-error-slug-taken = Another category already uses this slug.
admin-error-parent-cycle = A category cannot be the parent of itself or of one of its subcategories.
admin-error-confirm-delete = Tick the box to confirm you understand what deleting does.
admin-error-tag-taken = Another tag already has this name or slug.
admin-categories-title = Categories
admin-edit-category-title = Edit category
admin-new-category = New category
admin-back-to-categories = Back to categories
admin-category-tree = Category tree
admin-category-top-level = (top level)
admin-category-slug-hint = Leave empty to derive it from the name. When changed, the old URL redirects to the new one.
admin-category-position-hint = Lower numbers come first among siblings.
admin-delete-category = Delete category
admin-category-delete-warning =
    { $count ->
        [0] This category has no articles.
        [one] Deleting it leaves its one article without a category.
       *[other] Deleting it leaves its { $articles } articles without a category.
    }
admin-category-delete-children = Its subcategories move up to its parent.
admin-category-delete-confirm = I understand and want to delete this category.
admin-tags-title = Tags
admin-tags-page-hint = Renaming a tag changes its URL; the old URL keeps redirecting. Deleting a tag removes it from its articles without deleting them.
admin-tag-articles =
    { $count ->
        [0] no articles
        [one] one article
       *[other] { $articles } articles
    }
admin-delete-tag-named = Delete the tag “{ $name }”
admin-users-title = Users
admin-new-user-title = New user
admin-edit-user-title = Edit user
admin-back-to-users = Back to users
admin-user-active = Active
admin-user-disabled = Disabled
admin-email-fixed-hint = The email is the login and cannot be changed here.
admin-roles-hint = Administrator: everything. Editor: all articles, publishing, categories. Author: writes and publishes own articles. Contributor: drafts submitted for review.
admin-byline-none = No byline
admin-byline-new = New byline with the account's name
admin-active-hint = A disabled account cannot log in and its sessions end at once.
admin-password-hint = At least { $min } characters.
admin-reset-password = Set a new password
admin-new-password = New password
admin-reset-password-hint = At least { $min } characters. Every open session of the account ends.
admin-delete-user = Delete account
admin-delete-user-warning = The account, its sessions and its tokens are deleted; its articles stay, without an owner.
admin-error-email-invalid = The email address is not valid.
admin-error-email-taken = An account with this email already exists.
admin-error-role-invalid = Choose a role from the list.
admin-error-last-admin = This is the last active administrator: it cannot be demoted, disabled or deleted until there is another one.
admin-error-disable-self = You cannot disable your own account.
admin-error-delete-self = You cannot delete your own account.
admin-settings-title = Site settings
admin-settings-site = Site
admin-settings-regional = Language, time and digits
admin-settings-telegram = Telegram
admin-settings-comments = Comments
admin-settings-comments-placeholder = Moderation, word lists and automatic closing are on the comment settings page.
admin-settings-comments-open = Open the comment settings
admin-field-site-name = Site name
admin-field-tagline = Tagline
admin-field-locale = Interface language
admin-locale-ar = Arabic
admin-locale-en = English
admin-field-time-zone = Time zone
admin-time-zone-hint = Times are shown and scheduled in this zone.
admin-time-zone-region = Middle East and North Africa
admin-time-zone-all = All zones
admin-field-digit-style = Digits
admin-digits-western = Western (0123)
admin-digits-arabic-indic = Arabic-Indic (٠١٢٣)
admin-field-telegram-channel = Telegram channel
admin-telegram-channel-hint = The channel name with @, or a numeric chat id; leave empty for none.
admin-error-tagline-too-long = The tagline is longer than 200 characters.
admin-error-locale-invalid = Choose Arabic or English.
admin-error-time-zone-invalid = Unknown time zone. Choose one from the list.
admin-error-digit-style-invalid = Choose a digit style from the list.
admin-error-telegram-channel-invalid = Enter the channel name with @ (5 to 32 Latin letters, digits or _) or a numeric chat id.
admin-tokens-title = API tokens
admin-tokens-hint = A personal token lets a wire service or an app publish as you, with your permissions, through the API. Send it in the Authorization: Bearer header.
admin-new-token = New token
admin-token-name = What the token is for
admin-token-name-placeholder = e.g. wire service
admin-create-token = Create token
admin-token-created = Token created
admin-token-shown-once = Copy the token now and keep it somewhere safe: it will not be shown again.
admin-my-tokens = My tokens
admin-all-tokens = All tokens
admin-token-prefix = Starts with
admin-token-last-used = Last used
admin-token-revoked-on = Revoked on { $date }
admin-audit-title = Audit trail
admin-audit-action = Action
admin-audit-object = On
admin-audit-detail = Details
admin-audit-system = System
admin-audit-action-created = Created
admin-audit-action-updated = Edited
admin-audit-action-published = Published
admin-audit-action-unpublished = Unpublished
admin-audit-action-scheduled = Scheduled
admin-audit-action-deleted = Deleted
admin-audit-action-restored = Restored a revision
admin-audit-action-body-converted = Body converted to the new format
admin-audit-action-breaking-set = Marked breaking
admin-audit-action-breaking-cleared = Breaking cleared
admin-audit-action-breaking-expired = Breaking ended
admin-audit-action-front-page-changed = Front page changed
admin-audit-action-renamed = Renamed
admin-audit-action-role-changed = Role changed
admin-audit-action-enabled = Enabled
admin-audit-action-disabled = Disabled
admin-audit-action-password-changed = Password changed
admin-audit-action-password-reset = Password reset
admin-audit-action-settings-changed = Settings changed
admin-audit-kind-article = Article
admin-audit-kind-category = Category
admin-audit-kind-tag = Tag
admin-audit-kind-user = User
admin-audit-kind-token = Token
admin-audit-kind-media = Image
admin-audit-kind-front-page = Front page
admin-audit-kind-settings = Settings
admin-audit-kind-comment = Comment
admin-audit-action-replied = Replied
admin-audit-action-moderated = Moderated
admin-audit-action-blocked = Blocked
admin-audit-action-exported = Exported
admin-audit-action-erased = Erased
admin-audit-action-comments-opened = Opened comments
admin-audit-action-comments-closed = Closed comments
admin-audit-action-uploaded = Uploaded
admin-audit-kind-comments = Comment settings
admin-media-title = Media
admin-upload-image = Upload an image
admin-field-file = File
admin-upload = Upload
admin-upload-hint = JPEG, PNG or WebP, up to { $max_mb } MB. EXIF and location data are removed and sized copies are made for every screen.
admin-alt-hint = A short description for readers who cannot see the image; screen readers read it.
admin-error-alt-too-long = The alternative text is longer than 300 characters.
admin-error-caption-too-long = The caption is longer than 1000 characters.
admin-media-kb = { $kb } KB
admin-media-variants =
    { $count ->
        [0] no extra sizes
        [one] one extra size
       *[other] { $variants } extra sizes
    }
admin-media-used-by =
    { $count ->
        [one] used by one article
       *[other] used by { $articles } articles
    }
admin-media-unused = not used
admin-media-in-use = This image cannot be deleted: it is the featured image of these articles. Choose another image for them first:
media-error-empty = No file was sent, or the file is empty.
media-error-too-large = The file is larger than the limit ({ $max_mb } MB).
media-error-unsupported-type = This file is not a JPEG, PNG or WebP image, whatever its name says.
media-error-corrupt = The image is damaged or incomplete and cannot be read.
media-error-too-many-pixels = The image is { $width }×{ $height }, more than the limit of { $max_megapixels } megapixels.
media-error-side-too-long = The image is { $width }×{ $height }: a side is longer than { $max_side } pixels.
media-error-unsupported-feature = The image uses an internal format that is not supported. Save it again as JPEG or PNG and upload it again.
media-error-internal = The image could not be processed because of a server error. Please try again shortly.

## Comments
comment-count =
    { $count ->
        [one] One comment
       *[other] { $n } comments
    }
comment-held-notice = Thank you. Your comment is awaiting moderation and will appear once an editor approves it.
comment-staff = Newsroom
comment-reply = Reply
comment-reply-to = Reply to { $name }
comment-cancel-reply = Cancel reply
comments-none = No comments yet. Be the first.
comments-pages = Comment pages
comments-older = Older comments
comments-newer = Newer comments
comments-closed = Comments are closed on this article.
comments-back = Back to the article: { $title }
comment-leave = Leave a comment
comment-step-hint = One last step: answer the question, then press “Post comment”.
comment-step-confirm = One last step: press “Post comment” to confirm.
comment-notes = Your email address will not be published. Required fields are marked *
comment-field-comment = Comment
comment-field-name = Name
comment-field-email = Email
comment-field-url = Website
comment-honeypot = Leave this field empty
comment-captcha-label = Check question: fill in the blank
comment-captcha-hint = Write the number in digits or in words.
comment-remember = Save my name, email and website in this browser for the next time I comment
comment-submit = Post comment
comment-error-closed = Comments are closed on this article.
comment-error-name = Enter your name.
comment-error-name-long = The name is longer than 100 characters.
comment-error-email = Enter a valid email address.
comment-error-url = The website must start with http:// or https://.
comment-error-body = Write your comment.
comment-error-too-long = The comment is longer than allowed.
comment-error-captcha-wrong = That answer is wrong. Try the new question.
comment-error-captcha-expired = The question expired. Answer the new one.
comment-error-captcha-invalid = The question could not be verified. Answer the new one.
comment-error-captcha-used = That question was already used. Answer the new one.
comment-error-too-fast = The comment was sent too quickly. Wait a moment and send it again.
comment-error-flood = You are posting comments too quickly. Wait a moment and try again.
comment-error-rate = You have posted many comments in the last hour. Try again later.
comment-error-duplicate = It looks as though you have already said that.
admin-nav-comments = Comments
admin-comments-title = Comments
admin-comments-tab-pending = Pending
admin-comments-tab-approved = Approved
admin-comments-tab-spam = Spam
admin-comments-tab-trash = Trash
admin-comments-bulk = Action on selected
admin-comments-approve = Approve
admin-comments-unapprove = Back to pending
admin-comments-spam = Spam
admin-comments-trash = Trash
admin-comments-delete = Delete permanently
admin-comments-apply = Apply
admin-comments-select = Select comment
admin-comments-author = Author
admin-comments-comment = Comment
admin-comments-article = Article
admin-comments-date = Date
admin-comments-reason = Reason
admin-comments-edit = Edit
admin-comments-edit-title = Edit comment
admin-comments-save = Save
admin-comments-reply = Reply as the newsroom
admin-comments-reply-submit = Post reply
admin-comments-block-email = Block email
admin-comments-block-ip = Block IP
admin-comments-none = No comments here.
admin-comments-staff = Newsroom
admin-comments-close-article = Close comments on the article
admin-comments-open-article = Open comments
admin-comments-closed-articles = Articles with comments closed by hand
admin-comments-settings = Comment settings
admin-comments-settings-title = Comment settings
admin-comments-set-enabled = Accept comments
admin-comments-set-captcha = Check question
admin-comments-captcha-off = Off
admin-comments-captcha-all = Everyone
admin-comments-captcha-anonymous = Visitors who are not signed in
admin-comments-set-ops = Operations (+ - ×)
admin-comments-set-ttl = Question lifetime (seconds)
admin-comments-set-max-links = Hold a comment with this many links or more (0 turns it off)
admin-comments-set-moderation = Moderation words (a word, email or IP a line)
admin-comments-set-disallowed = Disallowed words: the comment is spam (a word, email or IP a line)
admin-comments-set-first-time = Hold an author's comments until one of theirs was approved
admin-comments-set-hold-all = Hold every comment for moderation
admin-comments-set-flood = Minimum seconds between two comments from one IP or email (0 turns it off)
admin-comments-set-rate = Maximum comments per IP per hour (0: no limit)
admin-comments-set-max-length = Maximum comment length (characters)
admin-comments-set-min-seconds = Minimum seconds to submit the form
admin-comments-set-close-days = Close comments this many days after publication (0: never)
admin-comments-set-depth = Maximum reply depth
admin-comments-set-per-page = Top-level comments per page
admin-comments-set-ip-days = Days commenter IPs are kept
admin-comments-privacy = Commenter privacy
admin-comments-privacy-hint = Export every comment written with an email address, or erase them for good.
admin-comments-privacy-email = Commenter's email
admin-comments-export = Export (JSON)
admin-comments-erase = Erase data
admin-notice-comments-updated = Comments updated.
admin-notice-blocked = Added to the block list.
admin-notice-erased = The commenter's data was erased.
admin-notice-replied = Reply posted.
admin-notice-unpublished = The article was taken off the site and kept as a draft.
admin-notice-autosave-discarded = The autosaved copy was discarded.
admin-notice-autosave-restored = The autosaved copy is back in the form below; save it to make it the article.
admin-notice-lock-taken-over = You are now editing this article; whoever was editing it will be told.
admin-notice-scheduled-at = The article is scheduled to go out { $when }.

## Newsroom admin: channel
admin-nav-telegram = Telegram

## Accounts
admin-error-current-password-wrong = The current password is not right.
admin-audit-action-revoked = Revoked
admin-audit-action-sessions-ended = Other sessions ended

## Comments
admin-comments-error-no-ip = This comment's IP address is no longer kept, so it cannot be blocked.

## Audit trail: categories, bylines and the Telegram outbox
admin-audit-action-retried = Retried
admin-audit-kind-author = Byline
admin-audit-kind-telegram-delivery = Telegram delivery

## Ownership of media and bylines (issue 15)
admin-media-not-yours = Uploaded by a colleague: they or an editor may change or delete it.
admin-error-byline-not-yours = You can only sign an article with your own name; an editor changes bylines.

## Login hardening (issue 15: hashing pool, throttles, login CAPTCHA)
admin-login-busy = The server is busy with many logins right now. Please try again in a moment.
login-captcha-required = This account had several failed logins. Answer the check question along with your password.

## Bounded Markdown rendering (issue 15)
admin-error-body-too-long = The body is longer than 1 MiB; split it into several articles.
admin-error-body-render-timeout = The body could not be rendered in time because the server is busy. Nothing was saved; please try again in a moment.

## The server's answer beyond its connection limit (issue 15)
server-busy = The site is busy right now; please try again in a moment.

## Forgot password (issue 11, item 7)
admin-login-forgot = Forgot your password?
admin-forgot-title = Recover your password
admin-forgot-intro = Type the email you log in with, and we will send it a link to set a new password.
admin-forgot-submit = Send the link
admin-forgot-sent = If this email belongs to a newsroom account, a link to set a new password has been sent to it. Check your inbox.
admin-forgot-throttled = Too many recovery requests from this address. Try again in an hour.
admin-forgot-no-smtp = This site has no mail server configured, so no recovery link can be sent. Ask an administrator to set a new password for you.
admin-forgot-no-smtp-operator = The server's operator can also set it with the command
admin-forgot-back = Back to the login page
admin-reset-title = Set a new password
admin-reset-new-password = New password
admin-reset-confirm-password = Type the password again
admin-reset-submit = Save the password
admin-reset-mismatch = The two passwords differ.
admin-reset-done = The new password is saved, and every open session of this account has ended. You can log in now.
admin-reset-invalid = This link does not work: it was used already or has expired.
admin-reset-ask-again = Ask for a new link
admin-reset-mail-subject = { $site }: set a new password
admin-reset-mail-body =
    Hello { $name },

    Someone asked to set a new password for your account at { $site }. Open this link within { $minutes } minutes to set it:

    { $link }

    The link works once. If you did not ask for this, ignore this message and your password stays as it is.

## Author profiles (issue 11, item 4)
admin-author-profile-title = Author profile
admin-author-profile-public = The author's page on the site
admin-author-profile-back = Back
admin-author-profile-name = Display name
admin-author-profile-bio = Bio
admin-author-profile-photo = Photo
admin-author-profile-no-photo = No photo
admin-author-profile-photo-hint = The photo comes from the media library; upload it there first.
admin-author-profile-link_x = X account
admin-author-profile-link_telegram = Telegram account
admin-author-profile-link_facebook = Facebook account
admin-author-profile-link_website = Website
admin-author-profile-links-hint = Type the handle (such as @sahifa) or the full URL; leave a field empty to remove the link.
admin-error-bio-too-long = The bio is longer than 2,000 characters.
admin-error-photo-unknown = That photo is not in the media library.
admin-error-link-x = Type an X handle or a URL starting with https://x.com/
admin-error-link-telegram = Type a Telegram handle (at least 5 characters) or a URL starting with https://t.me/
admin-error-link-facebook = Type a Facebook page name or a URL starting with https://www.facebook.com/
admin-error-link-website = Type a full URL starting with https://
author-photo-alt = Photo of { $name }
author-link-x = X
author-link-telegram = Telegram
author-link-facebook = Facebook
author-link-website = Website
author-link-x-label = { $name } on X
author-link-telegram-label = { $name } on Telegram
author-link-facebook-label = { $name } on Facebook
author-link-website-label = { $name }'s website

## Issue 11 (E2): the admin wholly in the site's language: comment reasons, audit details
admin-comments-reason-first-comment = First comment from this email
admin-comments-reason-hold-all = Every comment waits for review
admin-comments-reason-staff = From the newsroom
admin-comments-reason-links = Too many links ({ $count })
admin-comments-reason-moderation-word = Word to review: { $word }
admin-comments-reason-disallowed = Disallowed word: { $word }
admin-audit-list-separator = {", "}
admin-audit-detail-moderated = { $action }: { $ids }
admin-audit-moderation-approve = Approved
admin-audit-moderation-unapprove = Unapproved
admin-audit-moderation-spam = Spam
admin-audit-moderation-trash = Trashed
admin-audit-moderation-delete = Deleted for good
admin-audit-detail-replied = Reply to comment { $id }
admin-audit-detail-retried = { $kind } of article { $id }
admin-audit-delivery-post = Post
admin-audit-delivery-edit = Edit
admin-audit-detail-user-created = { $email } ({ $role })
admin-audit-detail-role-changed = { $email }: { $from } → { $to }
admin-audit-detail-settings = { $fields }
admin-audit-detail-nothing-changed = Nothing changed
admin-audit-detail-telegram = { $state }, channel: { $channel }, { $token }
admin-audit-telegram-on = Telegram posting on
admin-audit-telegram-off = Telegram posting off
admin-audit-telegram-no-channel = none
admin-audit-token-kept = token kept
admin-audit-token-changed = new token
admin-audit-token-removed = token removed

# Telegram log: status filter and the worker's reasons (issue 11, helper E1)
admin-telegram-filter-active = Active jobs
admin-telegram-filter-failed = Failed
admin-telegram-filter-pending = Waiting to send
admin-telegram-filter-sent = Sent
admin-telegram-filter-skipped = Skipped by the settings
admin-telegram-window = Counts and filters cover the newest two thousand jobs.
admin-telegram-reason-off = Channel posting is off
admin-telegram-reason-edits-off = Channel edits are off
admin-telegram-reason-deleted = The article was deleted
admin-telegram-reason-unpublished = The article is not published
admin-telegram-reason-superseded = Superseded by a newer edit
admin-telegram-reason-no-post = No channel post to edit
admin-telegram-reason-never-posted = The article was never posted to the channel
admin-telegram-reason-waiting = Waiting for the channel post first
admin-telegram-reason-not-configured = Not configured: set the bot token and the channel, then retry
admin-telegram-reason-backdated = Published long before it was saved (import or backdated); not news for the channel
admin-telegram-reason-category = The category «{ $name }» is not posted to the channel
admin-telegram-reason-network = Network error:
admin-telegram-reason-gave-up = Gave up after { $count } attempts:
admin-telegram-reason-telegram = Telegram answered:

## Shared media storage
admin-media-store-failed = The image could not be saved to the media store, so none of it was kept. Nothing in the library changed; please try again shortly, and tell the site administrator if it keeps happening.

## Most read (issue 11, item 6)
most-read = Most read
most-read-day = Past day
most-read-week = Past week
admin-field-views = Views
admin-views-day = past day: { $count }

## Static pages and menus
breadcrumb = Breadcrumb
footer-menu = Site links
page-updated-on = Last updated:
admin-nav-pages = Pages
admin-nav-menus = Menus
admin-pages-title = Static pages
admin-new-page = New page
admin-new-page-title = New page
admin-edit-page-title = Edit page
admin-back-to-pages = Back to pages
admin-field-parent-page = Parent page
admin-field-edited-by = Last edited by
admin-field-page-description = Description
admin-page-description-hint = A line or two shown in search engine results; when empty, the start of the text is used.
admin-field-page-body = Page text
admin-page-top-level = No parent page
admin-page-slug-hint = Appears in the page address /page/…; leave empty to derive it from the title. If you change it, the old address redirects to the new one.
admin-delete-page = Delete page
admin-page-delete-warning = The page disappears from the site and from the menus that point to it.
admin-page-delete-children = { $count ->
    [one] Its subpage moves up to its parent page.
   *[other] Its { $pages } subpages move up to its parent page.
}
admin-error-page-body-too-long = The page text is longer than 1 MB; split it into more than one page.
admin-error-page-body-render-timeout = The page text could not be rendered in time because the server is busy. Nothing was saved; try again in a moment.
admin-error-page-slug-taken = Another page already uses this slug.
admin-error-unknown-page = The chosen page does not exist.
admin-error-page-parent-cycle = A page cannot be its own parent or the parent of one of its subpages.
admin-menus-title = Menus
admin-menus-intro = The header menu shows at the top of every page, the footer menu at the bottom. An item can be placed under another item, one level deep only.
admin-menu-header = Header menu
admin-menu-footer = Footer menu
admin-menu-header-empty = No items yet; the site shows its main sections in the header until you add one.
admin-menu-add = Add item
admin-menu-field-target = Points to
admin-menu-field-url = Link
admin-menu-url-hint = For a custom link only: a full address starting with https:// or http://, or a path on this site starting with /.
admin-menu-field-label = Label
admin-menu-label-hint = Leave empty to show the section, tag or page name; required for a custom link.
admin-menu-field-parent = Under item
admin-menu-top-level = At the top level
admin-menu-no-label = No label
admin-menu-kind-category = Section
admin-menu-kind-page = Page
admin-menu-kind-tag = Tag
admin-menu-kind-link = Custom link
admin-menu-broken = Broken
admin-menu-broken-hint = What this item pointed to was deleted, so readers no longer see it. Delete it or add a replacement.
admin-menu-draft-page = Unpublished page
admin-menu-has-children-hint = Other items are under it, so it stays at the top level.
admin-menu-move-up = Move up
admin-menu-move-down = Move down
admin-error-menu-target-unknown = Choose an existing section, page or tag, or a custom link.
admin-error-menu-label-too-long = The label is longer than 100 characters.
admin-error-menu-label-required = Write the label of the custom link.
admin-error-menu-link-invalid = Link not accepted: write a full address starting with https:// or http://, or a path on this site starting with / (such as /page/about).
admin-error-menu-parent-unknown = The chosen item is not in this menu.
admin-error-menu-one-level = Items can only go under a top-level item.
admin-error-menu-has-children = Other items are under this one, so it cannot go under another.
admin-audit-kind-page = Page
admin-audit-kind-menu-item = Menu item

## Accessibility and Lighthouse: meta descriptions of pages without their own
archive-meta-description = The latest from { $site } on { $name }
search-meta-description = Search the news and articles of { $site }

## Forms too large to read
error-413-title = Request too large
error-413-message = What was sent is larger than this page accepts, and none of it was saved.
admin-error-form-too-large = The form is too large to save: the body is far over the limit. Shorten it or split it into several items, then save again. Nothing saved before has changed.

## Breaking news and the front page (issue 10, item 6)
breaking-news = Breaking
featured-stories = Featured
admin-nav-front-page = Front page
admin-front-page-title = Front page
admin-front-page-intro = Breaking news shows in a ticker at the top of every page of the site until its time ends or it is cleared. The lead story and the featured stories are pinned on the home page in place of the newest articles.
admin-front-page-breaking = Breaking news
admin-front-page-breaking-until = until { $time }
admin-front-page-breaking-clear = Clear
admin-front-page-breaking-clear-named = Clear breaking: { $title }
admin-front-page-breaking-none = Nothing is breaking now.
admin-front-page-breaking-new = Mark an article as breaking
admin-front-page-breaking-article = Article
admin-front-page-choose = Choose a published article
admin-front-page-breaking-hours = For
admin-front-page-hours =
    { $count ->
        [one] one hour
       *[other] { $n } hours
    }
admin-front-page-breaking-hint = The ticker shows at most five breaking articles, the newest first. The flag ends by itself when its time is up.
admin-front-page-breaking-submit = Mark as breaking
admin-front-page-pins = Home page order
admin-front-page-lead = Lead story
admin-front-page-lead-newest = The newest article (automatic)
admin-front-page-featured = Featured stories
admin-front-page-featured-n = Featured { $n }
admin-front-page-none = None
admin-front-page-pins-hint = Only published articles can be pinned. A pinned article that is unpublished leaves the home page until it is published again.
admin-front-page-save-pins = Save order
admin-notice-breaking-set = The article is marked as breaking.
admin-notice-breaking-cleared = The breaking flag is cleared.
admin-error-breaking-not-published = Only a published article can be marked as breaking.
admin-error-breaking-until-past = Choose an end for the breaking flag after now.
admin-error-breaking-until-too-far = A breaking flag lasts 48 hours at most.
admin-error-breaking-article-required = Choose a published article.
admin-error-breaking-hours-invalid = Choose a duration from the list.
admin-error-featured-too-many = Four featured stories at most.
admin-error-pins-duplicate = The same article cannot be pinned twice.
admin-error-pin-not-published = Only published articles can be pinned.
