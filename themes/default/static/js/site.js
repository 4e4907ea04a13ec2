/* Sahifa default theme: progressive enhancement only. Every page works without this file. */
(function () {
  'use strict';

  var doc = document;
  var root = doc.documentElement;
  if (!root || !root.classList) {
    return;
  }
  root.classList.add('js');

  var SHOW_AFTER = 400; // px scrolled before the back-to-top button appears
  var COPIED_MS = 2000;

  function prefersReducedMotion() {
    return !!(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  }

  function scrollOffset() {
    return window.pageYOffset || root.scrollTop || (doc.body && doc.body.scrollTop) || 0;
  }

  /* Back to top: hidden (visibility:hidden, so out of the tab order) until the reader scrolls. */
  function initBackToTop() {
    var button = doc.querySelector('.back-to-top');
    if (!button) {
      return;
    }
    function update() {
      if (scrollOffset() > SHOW_AFTER) {
        button.classList.add('is-visible');
      } else {
        button.classList.remove('is-visible');
      }
    }

    // Browsers already fire scroll at most once a frame, and update() only flips a class.
    window.addEventListener('scroll', update, { passive: true });
    window.addEventListener('pageshow', update);
    update();
    // Fades are switched on only after the first state is painted, so the button does not
    // visibly fade out on every page load when the js class first hides it.
    if (window.requestAnimationFrame) {
      window.requestAnimationFrame(function () {
        window.requestAnimationFrame(function () {
          button.classList.add('can-animate');
        });
      });
    }

    button.addEventListener('click', function (event) {
      event.preventDefault();
      var behavior = prefersReducedMotion() ? 'auto' : 'smooth';
      try {
        window.scrollTo({ top: 0, behavior: behavior });
      } catch (e) {
        window.scrollTo(0, 0);
      }
      focusTop();
    });
  }

  /* Move keyboard focus to the top of the page without fighting the smooth scroll. */
  function focusTop() {
    var target = doc.getElementById('top') || doc.body;
    if (!target || typeof target.focus !== 'function') {
      return;
    }
    if (!target.hasAttribute('tabindex')) {
      target.setAttribute('tabindex', '-1');
    }
    try {
      target.focus({ preventScroll: true });
    } catch (e) {
      target.focus();
    }
  }

  /* "Copy link" share button: a plain link without JS; copies with JS. */
  function initCopyLinks() {
    var links = doc.querySelectorAll('a[data-copy]');
    for (var i = 0; i < links.length; i++) {
      bindCopy(links[i]);
    }
  }

  function bindCopy(link) {
    link.addEventListener('click', function (event) {
      if (event.defaultPrevented || event.button !== 0 ||
          event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
        return; // let the browser open the link in a new tab/window as asked
      }
      var clipboard = navigator.clipboard;
      if (!clipboard || typeof clipboard.writeText !== 'function') {
        return; // no clipboard: follow the link
      }
      var href = link.href;
      // The clipboard answers asynchronously, so hold the navigation now and
      // follow the link after all if the copy fails.
      event.preventDefault();
      var request;
      try {
        request = clipboard.writeText(href);
      } catch (e) {
        window.location.href = href;
        return;
      }
      Promise.resolve(request).then(function () {
        showCopied(link);
      }, function () {
        window.location.href = href;
      });
    });
  }

  function showCopied(link) {
    var message = link.getAttribute('data-copied');
    if (!message) {
      return;
    }
    var label = link.querySelector('.share-label') || link;
    if (link._sahifaTimer) {
      window.clearTimeout(link._sahifaTimer);
    } else {
      link._sahifaLabel = label.textContent;
    }
    label.textContent = message;
    link.classList.add('is-copied');

    var box = link.closest ? link.closest('.article-share') : null;
    var status = box ? box.querySelector('.share-status') : null;
    if (status) {
      status.textContent = message;
    }

    link._sahifaTimer = window.setTimeout(function () {
      label.textContent = link._sahifaLabel;
      link.classList.remove('is-copied');
      link._sahifaTimer = null;
      if (status) {
        status.textContent = '';
      }
    }, COPIED_MS);
  }

  function init() {
    initBackToTop();
    initCopyLinks();
  }

  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
