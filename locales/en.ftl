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

## JSON API errors
api-bad-paging = Invalid paging: page and per_page must be positive integers (per_page at most 100).
api-not-found = Nothing exists at this address.

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
search-unavailable = Search is not available right now. Please try again shortly.
# $count: the raw number (plural selection); $total: the same number formatted for display.
search-results-count =
    { $count ->
        [one] One result
       *[other] { $total } results
    }
