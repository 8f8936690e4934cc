import { Controller } from "@hotwired/stimulus";

// <div data-controller="counter">: counts the clicks on its button.
export default class extends Controller {
  static targets = ["count"];
  static values = { count: Number };

  increment() {
    this.countValue += 1;
  }

  countValueChanged() {
    this.countTarget.textContent = this.countValue;
  }
}
